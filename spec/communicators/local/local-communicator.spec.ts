import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isSdkError } from '../../../errors/index.js';
import { LocalCommunicator } from '../../../communicators/local/local-communicator.js';
import { communicatorContract } from '../support/contract.js';
import { Collect } from '../support/streams.js';

describe('communicators/local', () => {
  let dir: string;
  let comm: LocalCommunicator;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-local-'));
    comm = new LocalCommunicator({ workDir: dir });
  });

  after(async () => {
    await comm.close();
    await rm(dir, { recursive: true, force: true });
  });

  communicatorContract(() => ({ comm, machineDir: dir, hostPath: (p) => p }));

  it('answers a cancellation at once even when the command ignores SIGTERM', async () => {
    const controller = new AbortController();
    const stdout = new Collect();
    const started = await comm.start(
      { command: 'trap "" TERM; echo started; sleep 3', stdout },
      { signal: controller.signal },
    );
    await stdout.waitFor('started');
    controller.abort();
    try {
      await started.exited;
      expect.fail('exited resolved');
    } catch (err) {
      expect(isSdkError(err, 'PKR_ERR_CANCELLED')).to.equal(true);
    }
  });

  it('runs commands in its working directory and resolves relative paths there', async () => {
    const out = new Collect();
    const started = await comm.start({ command: 'pwd', stdout: out });
    expect(await started.exited).to.equal(0);
    expect(out.text.trim()).to.equal(dir);
  });
});
