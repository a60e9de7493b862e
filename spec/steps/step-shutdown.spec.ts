import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { StartedCommand } from '../../communicators/communicator.js';
import { LocalCommunicator } from '../../communicators/local/local-communicator.js';
import { keys } from '../../engine/keys.js';
import { isSdkError } from '../../errors/index.js';
import { StepShutdown, stepShutdown } from '../../steps/step-shutdown.js';
import { createManualClock, createMockState, MockUi, runStep } from '../../testing/index.js';

/** A local communicator that hands the spec each started command. */
class WatchedCommunicator extends LocalCommunicator {
  readonly started: Promise<StartedCommand>;
  #resolve!: (c: StartedCommand) => void;
  readonly commands: string[] = [];

  constructor(workDir: string) {
    super({ workDir });
    this.started = new Promise((resolve) => (this.#resolve = resolve));
  }

  override async start(...args: Parameters<LocalCommunicator['start']>): Promise<StartedCommand> {
    this.commands.push(args[0].command);
    const started = await super.start(...args);
    this.#resolve(started);
    return started;
  }
}

describe('steps/step-shutdown', () => {
  let dir: string;
  let ui: MockUi;
  let comm: WatchedCommunicator;
  const marker = () => path.join(dir, 'halted');

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-shutdown-'));
    ui = new MockUi();
    comm = new WatchedCommunicator(dir);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const state = () =>
    createMockState([
      [keys.ui, ui],
      [keys.communicator, comm],
    ]);

  it('runs shutdown_command through the communicator and waits for the machine to stop', async () => {
    const clock = createManualClock();
    let checks = 0;
    const step = stepShutdown(
      { shutdown_command: 'touch halted', shutdown_timeout: '5m' },
      {
        isStopped: () => {
          checks++;
          return existsSync(marker());
        },
        clock,
      },
    );
    const running = runStep(step, { state: state() });
    await (
      await comm.started
    ).exited; // the "machine" has run its shutdown command
    await ui.waitFor('Waiting max 5m0s for shutdown to complete');
    clock.advance(1000);
    const run = await running;
    expect(run.error).to.equal(undefined);
    expect(comm.commands).to.deep.equal(['touch halted']);
    expect(checks).to.be.greaterThan(0);
    expect(ui.lines).to.deep.equal([
      'Gracefully halting virtual machine...',
      'Waiting max 5m0s for shutdown to complete',
      'Machine shut down.',
    ]);
  });

  it('forces the machine off once shutdown_timeout has passed', async () => {
    let forced = 0;
    const run = await runStep(
      new StepShutdown(
        { shutdown_command: 'true', shutdown_timeout: '30s' },
        {
          isStopped: () => false,
          forceStop: () => void forced++,
          clock: createManualClock({ autoAdvance: true }),
        },
      ),
      { state: state() },
    );
    expect(run.error).to.equal(undefined);
    expect(forced).to.equal(1);
    expect(ui.records.find((r) => r.kind === 'error')).to.deep.equal({
      kind: 'error',
      text: 'Timeout while waiting for machine to shut down after 30s; forcing it off',
    });
  });

  it('fails with PKR_ERR_SHUTDOWN_TIMEOUT when it cannot force', async () => {
    const clock = createManualClock({ autoAdvance: true });
    const run = await runStep(
      new StepShutdown(
        { shutdown_command: 'true', shutdown_timeout: '2s' },
        { isStopped: () => false, clock, pollIntervalMs: 500 },
      ),
      { state: state() },
    );
    expect(isSdkError(run.error, 'PKR_ERR_SHUTDOWN_TIMEOUT')).to.equal(true);
    expect((run.error as Error).message).to.contain('shutdown_timeout 2s');
    expect(clock.sleeps).to.deep.equal([500, 500, 500, 500]);
  });

  it('halts at once without a shutdown_command', async () => {
    let forced = 0;
    const run = await runStep(
      new StepShutdown({}, { isStopped: () => false, forceStop: () => void forced++ }),
      {
        state: createMockState([[keys.ui, ui]]),
      },
    );
    expect(run.error).to.equal(undefined);
    expect(forced).to.equal(1);
    expect(ui.lines).to.deep.equal(['Halting the virtual machine...']);
  });

  it('stops waiting as soon as the build is cancelled', async () => {
    const controller = new AbortController();
    const running = runStep(
      new StepShutdown({ shutdown_command: 'true' }, { isStopped: () => false, clock: createManualClock() }),
      { state: state(), signal: controller.signal },
    );
    await ui.waitFor('Waiting max 5m0s for shutdown to complete');
    controller.abort();
    const run = await running;
    expect(isSdkError(run.error, 'PKR_ERR_CANCELLED')).to.equal(true);
  });

  it('needs a communicator for shutdown_command', async () => {
    const run = await runStep(new StepShutdown({ shutdown_command: 'poweroff' }, { isStopped: () => true }), {
      state: createMockState([[keys.ui, ui]]),
    });
    expect(isSdkError(run.error, 'PKR_ERR_STATE_MISSING')).to.equal(true);
  });
});
