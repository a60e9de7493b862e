import { expect } from 'chai';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { keys } from '../../engine/keys.js';
import { isSdkError } from '../../errors/index.js';
import { processAlive } from '../../steps/file-lock.js';
import { findExecutable, StepCreateCd } from '../../steps/step-create-cd.js';
import { createMockState, MockUi, runStep } from '../../testing/index.js';

describe('steps/step-create-cd', () => {
  let dir: string;
  let ui: MockUi;
  const state = () => createMockState([[keys.ui, ui]]);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-cd-src-'));
    ui = new MockUi();
    await writeFile(path.join(dir, 'user-data'), '#cloud-config\n');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A stand-in ISO maker: a shell script with the given body. */
  const fakeMaker = async (body: string): Promise<string> => {
    const file = path.join(dir, 'fake-maker');
    await writeFile(file, `#!/bin/sh\n${body}\n`);
    await chmod(file, 0o755);
    return file;
  };

  it('makes nothing when nothing is listed', async () => {
    const run = await runStep(new StepCreateCd({ cd_label: 'x' }), { state: state() });
    expect(run.result).to.equal('continue');
    expect(run.state.has(keys.cdPath)).to.equal(false);
  });

  it('says which package to install when no ISO maker is there', async () => {
    const run = await runStep(new StepCreateCd({ cd_files: ['user-data'] }, { cwd: dir, searchPath: dir }), {
      state: state(),
    });
    expect(isSdkError(run.error, 'PKR_ERR_TOOL_MISSING')).to.equal(true);
    expect((run.error as Error).message).to.contain('xorriso');
    await run.cleanup('failed');
  });

  it('hands the staged tree and label to the maker with genisoimage arguments', async () => {
    const maker = await fakeMaker(
      'echo "$@" > "$(dirname "$0")/args"; out=""; while [ $# -gt 1 ]; do [ "$1" = -o ] && out=$2; shift; done; ls -R "$1" > "$out"',
    );
    const run = await runStep(
      new StepCreateCd(
        { cd_files: ['user-data'], cd_content: { '/nested/meta-data': 'id' }, cd_label: 'cidata' },
        { cwd: dir, command: maker },
      ),
      { state: state() },
    );
    expect(run.error).to.equal(undefined);
    const iso = run.state.require(keys.cdPath);
    const args = await readFile(path.join(dir, 'args'), 'utf8');
    expect(args).to.match(/^-rock -joliet -volid cidata -o \S+cd\.iso \S+root\n$/);
    const listing = await readFile(iso, 'utf8');
    expect(listing).to.contain('user-data').and.to.contain('nested').and.to.contain('meta-data');
    await run.cleanup('done');
    expect(await stat(path.dirname(iso)).catch(() => undefined)).to.equal(undefined);
  });

  it('fails with the maker’s output when it fails, and cleans up', async () => {
    const maker = await fakeMaker('echo "xorriso : FAILURE : no space left" >&2; exit 5');
    const run = await runStep(new StepCreateCd({ cd_files: ['user-data'] }, { cwd: dir, command: maker }), {
      state: state(),
    });
    expect(isSdkError(run.error, 'PKR_ERR_CD_CREATE')).to.equal(true);
    expect((run.error as Error).message)
      .to.contain('exit 5')
      .and.to.contain('no space left');
    await run.cleanup('failed');
  });

  it('kills the maker when the build is cancelled', async () => {
    const pidFile = path.join(dir, 'pid');
    const maker = await fakeMaker(`echo $$ > "${pidFile}"; kill -USR2 $PPID; exec tail -f /dev/null`);
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGUSR2', onSignal);
    try {
      const run = await runStep(new StepCreateCd({ cd_files: ['user-data'] }, { cwd: dir, command: maker }), {
        state: state(),
        signal: controller.signal,
      });
      expect(isSdkError(run.error, 'PKR_ERR_CANCELLED')).to.equal(true);
      const pid = Number(await readFile(pidFile, 'utf8'));
      expect(processAlive(pid)).to.equal(false);
      await run.cleanup('cancelled');
    } finally {
      process.off('SIGUSR2', onSignal);
    }
  });

  it('finds executables on a search path', async () => {
    const maker = await fakeMaker('true');
    expect(await findExecutable('fake-maker', `/nonexistent${path.delimiter}${dir}`)).to.equal(maker);
    expect(await findExecutable('user-data', dir)).to.equal(undefined);
  });
});
