import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { keys } from '../../engine/keys.js';
import { asError } from '../../errors/index.js';
import { stepCreateCd } from '../../steps/step-create-cd.js';
import { createMockState, MockUi, runStep, type StepRun } from '../../testing/index.js';
import { requireTool } from '../support/tools.js';

describe('steps/step-create-cd with xorriso', function () {
  this.timeout(120_000);
  let dir: string;
  let iso: string;
  let run: StepRun;

  before(async function () {
    requireTool(this, 'xorriso', 'xorriso');
    dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-cd-sys-'));
    await mkdir(path.join(dir, 'seed', 'scripts'), { recursive: true });
    await mkdir(path.join(dir, 'flat'));
    await writeFile(path.join(dir, 'seed', 'scripts', 'setup.sh'), 'echo setup\n');
    await writeFile(path.join(dir, 'flat', 'a.txt'), 'A');
    await writeFile(path.join(dir, 'flat', 'b.txt'), 'B');
    await writeFile(path.join(dir, 'target.txt'), 'through a link');
    await symlink(path.join(dir, 'target.txt'), path.join(dir, 'link.txt'));
    run = await runStep(
      stepCreateCd(
        {
          cd_files: ['seed', 'flat/*', 'link.txt'],
          cd_content: { 'user-data': '#cloud-config\n', '/meta/meta-data': 'instance-id: i-1\n' },
          cd_label: 'cidata',
        },
        { cwd: dir, keep: true },
      ),
      { state: createMockState([[keys.ui, new MockUi()]]) },
    );
    if (run.error) throw asError(run.error);
    iso = run.state.require(keys.cdPath);
  });

  after(async () => {
    if (run) {
      await run.cleanup('failed');
      if (iso) expect(await stat(iso).catch(() => undefined)).to.equal(undefined);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('labels the volume with cd_label', () => {
    const r = spawnSync('xorriso', ['-indev', iso, '-pvd_info'], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).to.match(/Volume Id\s*:\s*cidata/);
  });

  it('holds directories with their structure, globbed contents in the root, links as files, and content', () => {
    const r = spawnSync('xorriso', ['-indev', iso, '-find', '/', '-type', 'f'], { encoding: 'utf8' });
    const files = r.stdout
      .split('\n')
      .map((l) => l.trim().replace(/^'|'$/g, ''))
      .filter((l) => l.startsWith('/'))
      .sort();
    expect(files).to.deep.equal([
      '/a.txt',
      '/b.txt',
      '/link.txt',
      '/meta/meta-data',
      '/seed/scripts/setup.sh',
      '/user-data',
    ]);
  });

  it('gives the bytes back on extraction', async () => {
    const out = path.join(dir, 'extracted');
    const r = spawnSync('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', out], {
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(await readFile(path.join(out, 'seed', 'scripts', 'setup.sh'), 'utf8')).to.equal('echo setup\n');
    expect(await readFile(path.join(out, 'link.txt'), 'utf8')).to.equal('through a link');
    expect(await readFile(path.join(out, 'user-data'), 'utf8')).to.equal('#cloud-config\n');
    expect(await readFile(path.join(out, 'meta', 'meta-data'), 'utf8')).to.equal('instance-id: i-1\n');
  });

  it('keeps the ISO after a successful build when asked', async () => {
    const kept = await runStep(stepCreateCd({ cd_content: { x: 'y' } }, { keep: true }), {
      state: createMockState([[keys.ui, new MockUi()]]),
    });
    const keptIso = kept.state.require(keys.cdPath);
    await kept.cleanup('done');
    expect((await stat(keptIso)).isFile()).to.equal(true);
    await rm(path.dirname(keptIso), { recursive: true, force: true });
  });
});
