import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { packerCommonKey } from '../../components/define-builder.js';
import { emptyPackerCommon } from '../../config/packer-common.js';
import { keys } from '../../engine/keys.js';
import type { RunStatus } from '../../engine/events.js';
import { isSdkError } from '../../errors/index.js';
import { defaultOutputDirectory, StepOutputDir } from '../../steps/step-output-dir.js';
import { createMockState, MockUi, runStep } from '../../testing/index.js';

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe('steps/step-output-dir', () => {
  let base: string;
  let ui: MockUi;

  const state = (force = false) =>
    createMockState([
      [keys.ui, ui],
      [packerCommonKey, { ...emptyPackerCommon(), force }],
    ]);

  beforeEach(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'pkr-out-'));
    ui = new MockUi();
  });

  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('creates the directory, publishes it, and keeps it after a successful build', async () => {
    const dir = path.join(base, 'a', 'output-vm');
    const run = await runStep(new StepOutputDir({ output_directory: dir }), { state: state() });
    expect(run.error).to.equal(undefined);
    expect(run.state.get(keys.outputDir)).to.equal(dir);
    expect(await readdir(dir)).to.deep.equal([]);
    await run.cleanup('done');
    expect(await exists(dir)).to.equal(true);
  });

  for (const status of ['failed', 'halted', 'cancelled'] as RunStatus[]) {
    it(`removes the directory it created when the build ended ${status}`, async () => {
      const dir = path.join(base, 'out');
      const run = await runStep(new StepOutputDir({ output_directory: dir }), { state: state() });
      await writeFile(path.join(dir, 'disk.qcow2'), 'partial');
      await run.cleanup(status);
      expect(await exists(dir)).to.equal(false);
      expect(ui.lines).to.include('Deleting output directory...');
    });
  }

  it('refuses a non-empty directory without -force and leaves it alone', async () => {
    const dir = path.join(base, 'out');
    await mkdir(dir);
    await writeFile(path.join(dir, 'keep.me'), 'x');
    const run = await runStep(new StepOutputDir({ output_directory: dir }), { state: state() });
    expect(isSdkError(run.error, 'PKR_ERR_OUTPUT_DIR_EXISTS')).to.equal(true);
    expect((run.error as Error).message)
      .to.contain(dir)
      .and.to.contain('-force');
    await run.cleanup('failed');
    expect(await readdir(dir)).to.deep.equal(['keep.me']);
  });

  it('deletes a previous directory first with packer_force', async () => {
    const dir = path.join(base, 'out');
    await mkdir(dir);
    await writeFile(path.join(dir, 'old.img'), 'x');
    const run = await runStep(new StepOutputDir({ output_directory: dir }), { state: state(true) });
    expect(run.error).to.equal(undefined);
    expect(await readdir(dir)).to.deep.equal([]);
    expect(ui.lines).to.deep.equal(['Deleting previous output directory...']);
    await run.cleanup('cancelled');
    expect(await exists(dir)).to.equal(false);
  });

  it('uses an existing empty directory, and on failure empties it but keeps it', async () => {
    const dir = path.join(base, 'out');
    await mkdir(dir);
    const run = await runStep(new StepOutputDir({ output_directory: dir }), { state: state() });
    expect(run.error).to.equal(undefined);
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'sub', 'x'), 'x');
    await run.cleanup('failed');
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('the force option overrides the state, and a file in the way is a coded error', async () => {
    const file = path.join(base, 'file');
    await writeFile(file, 'x');
    const blocked = await runStep(new StepOutputDir({ output_directory: path.join(file, 'out') }), {
      state: state(),
    });
    expect(isSdkError(blocked.error, 'PKR_ERR_OUTPUT_DIR')).to.equal(true);
    const notDir = await runStep(new StepOutputDir({ output_directory: file }), { state: state() });
    expect(isSdkError(notDir.error, 'PKR_ERR_OUTPUT_DIR')).to.equal(true);
    const forced = await runStep(new StepOutputDir({ output_directory: file }, { force: true }), {
      state: state(),
    });
    expect(forced.error).to.equal(undefined);
    expect((await stat(file)).isDirectory()).to.equal(true);
  });

  it('names the default like Packer', () => {
    expect(defaultOutputDirectory('qemu.debian')).to.equal('output-qemu.debian');
    expect(defaultOutputDirectory(undefined, 'qemu')).to.equal('output-qemu');
    expect(() => new StepOutputDir({ output_directory: '' })).to.throw(/output_directory is empty/);
  });
});
