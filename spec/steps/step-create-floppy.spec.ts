import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { keys } from '../../engine/keys.js';
import { isSdkError } from '../../errors/index.js';
import { StepCreateFloppy, stepCreateFloppy } from '../../steps/step-create-floppy.js';
import { createMockState, MockUi, runStep } from '../../testing/index.js';
import { readFat12 } from './support/fat-reader.js';

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe('steps/step-create-floppy', () => {
  let dir: string;
  let ui: MockUi;
  const state = () => createMockState([[keys.ui, ui]]);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-floppy-src-'));
    ui = new MockUi();
    await mkdir(path.join(dir, 'drivers', 'net'), { recursive: true });
    await writeFile(path.join(dir, 'Autounattend.xml'), '<unattend/>');
    await writeFile(path.join(dir, 'drivers', 'viostor.inf'), 'storage');
    await writeFile(path.join(dir, 'drivers', 'net', 'netkvm.inf'), 'network');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the files, directories and content, publishes the image and deletes it in cleanup', async () => {
    const step = stepCreateFloppy(
      {
        floppy_files: ['Autounattend.xml'],
        floppy_dirs: ['drivers'],
        floppy_content: { 'meta-data': 'instance-id: x\n', '/scripts/first-boot.cmd': 'echo hi' },
        floppy_label: 'cidata',
      },
      { cwd: dir },
    );
    const run = await runStep(step, { state: state() });
    expect(run.error).to.equal(undefined);
    const image = run.state.require(keys.floppyPath);
    const read = readFat12(await readFile(image));
    expect(read.label).to.equal('CIDATA');
    expect(read.volumeEntry).to.equal('CIDATA');
    expect(Object.fromEntries([...read.files].map(([k, v]) => [k, v.toString()]))).to.deep.equal({
      'Autounattend.xml': '<unattend/>',
      'drivers/viostor.inf': 'storage',
      'drivers/net/netkvm.inf': 'network',
      'meta-data': 'instance-id: x\n',
      'scripts/first-boot.cmd': 'echo hi',
    });
    expect(ui.lines[0]).to.equal('Creating floppy disk...');
    await run.cleanup('done');
    expect(await exists(image)).to.equal(false);
    expect(await exists(path.dirname(image))).to.equal(false);
    expect(run.state.has(keys.floppyPath)).to.equal(false);
  });

  it('keeps the image after a successful build when asked, but not after a failed one', async () => {
    const kept = await runStep(new StepCreateFloppy({ floppy_files: ['*.xml'] }, { cwd: dir, keep: true }), {
      state: state(),
    });
    const image = kept.state.require(keys.floppyPath);
    await kept.cleanup('done');
    expect(await exists(image)).to.equal(true);
    await rm(path.dirname(image), { recursive: true });

    const target = path.join(dir, 'out.img');
    const failed = await runStep(
      new StepCreateFloppy({ floppy_files: ['*.xml'] }, { cwd: dir, keep: true, path: target }),
      {
        state: state(),
      },
    );
    expect(failed.state.get(keys.floppyPath)).to.equal(target);
    await failed.cleanup('failed');
    expect(await exists(target)).to.equal(false);
  });

  it('makes nothing when nothing is listed', async () => {
    const run = await runStep(new StepCreateFloppy({}), { state: state() });
    expect(run.result).to.equal('continue');
    expect(run.state.has(keys.floppyPath)).to.equal(false);
    expect(ui.lines).to.deep.equal([]);
  });

  it('refuses files that do not fit, before writing anything', async () => {
    await writeFile(path.join(dir, 'big.bin'), Buffer.alloc(1_500_000));
    const run = await runStep(new StepCreateFloppy({ floppy_files: ['big.bin'] }, { cwd: dir }), {
      state: state(),
    });
    expect(isSdkError(run.error, 'PKR_ERR_FLOPPY_FULL')).to.equal(true);
    expect((run.error as Error).message).to.contain('1500000 bytes');
    await run.cleanup('failed');
  });

  it('reports a missing source with its path', async () => {
    const run = await runStep(new StepCreateFloppy({ floppy_files: ['missing.xml'] }, { cwd: dir }), {
      state: state(),
    });
    expect(isSdkError(run.error, 'PKR_ERR_MEDIA_SOURCE')).to.equal(true);
    expect((run.error as Error).message).to.contain('missing.xml');
  });
});
