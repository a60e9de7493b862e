import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { keys } from '../../engine/keys.js';
import { asError } from '../../errors/index.js';
import { stepCreateFloppy } from '../../steps/step-create-floppy.js';
import { createMockState, MockUi, runStep, type StepRun } from '../../testing/index.js';
import { requireTool } from '../support/tools.js';

/** Runs an mtools/dosfstools command; mtools' own sanity check of geometry is skipped. */
function tool(command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('steps/step-create-floppy against mtools and fsck.fat', function () {
  this.timeout(120_000);
  let dir: string;
  let image: string;
  let run: StepRun;
  const long = 'A file name well past eight-dot-three.txt';

  before(async function () {
    requireTool(this, 'mdir', 'mtools');
    requireTool(this, 'fsck.fat', 'dosfstools');
    dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-floppy-sys-'));
    await mkdir(path.join(dir, 'drivers', 'amd64'), { recursive: true });
    await writeFile(path.join(dir, 'Autounattend.xml'), '<unattend/>');
    await writeFile(path.join(dir, 'README.TXT'), 'short name');
    await writeFile(path.join(dir, long), 'long name');
    await writeFile(path.join(dir, 'drivers', 'amd64', 'viostor.sys'), Buffer.alloc(70_000, 7));
    for (let i = 0; i < 40; i++) await writeFile(path.join(dir, 'drivers', `file-${i}.inf`), `driver ${i}`);
    run = await runStep(
      stepCreateFloppy(
        {
          floppy_files: ['Autounattend.xml', 'README.TXT', long],
          floppy_dirs: ['drivers'],
          floppy_content: { 'user-data': '#cloud-config\n' },
          floppy_label: 'cidata',
        },
        { cwd: dir },
      ),
      { state: createMockState([[keys.ui, new MockUi()]]) },
    );
    if (run.error) throw asError(run.error);
    image = run.state.require(keys.floppyPath);
  });

  after(async () => {
    await run?.cleanup('done');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes fsck.fat without a single complaint', () => {
    const r = tool('fsck.fat', ['-n', '-V', image]);
    expect(r.status, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).not.to.match(/differ|invalid|bad|lost|free cluster summary/i);
  });

  it('lists long names, short names and subdirectories in mdir', () => {
    const root = tool('mdir', ['-i', image, '::/']);
    expect(root.status, root.stderr).to.equal(0);
    expect(root.stdout).to.contain('Volume in drive : is CIDATA');
    expect(root.stdout).to.contain('Autounattend.xml');
    expect(root.stdout).to.contain(long);
    expect(root.stdout).to.contain('user-data');
    expect(root.stdout).to.match(/README\s+TXT/);
    expect(root.stdout).to.match(/drivers\s+<DIR>|DRIVERS\s+<DIR>/);
    const sub = tool('mdir', ['-i', image, '-b', '::/drivers/amd64']);
    expect(sub.stdout.trim()).to.equal('::/drivers/amd64/viostor.sys');
    const all = tool('mdir', ['-i', image, '-/', '-b', '::/drivers']);
    expect(all.stdout.split('\n').filter((l) => l.includes('file-'))).to.have.length(40);
  });

  it('gives every file back byte for byte through mcopy', () => {
    const read = (p: string) =>
      spawnSync('mcopy', ['-i', image, `::${p}`, '-'], { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
    expect(read('/Autounattend.xml').stdout.toString()).to.equal('<unattend/>');
    expect(read(`/${long}`).stdout.toString()).to.equal('long name');
    expect(read('/user-data').stdout.toString()).to.equal('#cloud-config\n');
    expect(read('/drivers/file-39.inf').stdout.toString()).to.equal('driver 39');
    expect(read('/drivers/amd64/viostor.sys').stdout.equals(Buffer.alloc(70_000, 7))).to.equal(true);
  });
});
