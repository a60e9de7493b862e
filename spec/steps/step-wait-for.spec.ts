import { expect } from 'chai';
import { keys } from '../../engine/keys.js';
import { isSdkError } from '../../errors/index.js';
import { stepWaitFor, waitFor } from '../../steps/step-wait-for.js';
import { createManualClock, createMockState, MockUi, runStep } from '../../testing/index.js';

describe('steps/step-wait-for', () => {
  it('checks at once, then every interval, until the condition holds', async () => {
    const clock = createManualClock({ autoAdvance: true });
    let calls = 0;
    await waitFor(() => ++calls === 4, { intervalMs: 250, timeoutMs: 10_000, clock });
    expect(calls).to.equal(4);
    expect(clock.sleeps).to.deep.equal([250, 250, 250]);
  });

  it('cuts the last wait to the deadline and then times out with a coded error', async () => {
    const clock = createManualClock({ autoAdvance: true });
    const err = await waitFor(() => false, {
      intervalMs: 400,
      timeoutMs: 1000,
      clock,
      what: 'the installer',
    }).catch((e: unknown) => e);
    expect(isSdkError(err, 'PKR_ERR_WAIT_TIMEOUT')).to.equal(true);
    expect((err as Error).message).to.equal('timed out after 1s waiting for the installer');
    expect(clock.sleeps).to.deep.equal([400, 400, 200]);
  });

  it('takes async conditions and passes them the signal', async () => {
    const clock = createManualClock({ autoAdvance: true });
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    await waitFor(
      async (signal) => {
        seen = signal;
        return true;
      },
      { intervalMs: 1, timeoutMs: 1, clock, signal: controller.signal },
    );
    expect(seen).to.equal(controller.signal);
  });

  it('ends the wait at once on cancellation, and rethrows what the condition throws', async () => {
    const clock = createManualClock();
    const controller = new AbortController();
    const waiting = waitFor(() => false, {
      intervalMs: 60_000,
      timeoutMs: 600_000,
      clock,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    controller.abort();
    expect(isSdkError(await waiting, 'PKR_ERR_CANCELLED')).to.equal(true);
    const boom = new Error('hypervisor gone');
    expect(
      await waitFor(
        () => {
          throw boom;
        },
        { intervalMs: 1, timeoutMs: 1 },
      ).catch((e: unknown) => e),
    ).to.equal(boom);
    expect(
      await waitFor(() => true, { intervalMs: 0, timeoutMs: 1 }).catch((e: unknown) =>
        isSdkError(e, 'PKR_ERR_OPTION_INVALID'),
      ),
    ).to.equal(true);
  });

  it('as a step: says what it waits for and reads the state', async () => {
    const ui = new MockUi();
    const state = createMockState([
      [keys.ui, ui],
      [keys.host, '10.0.0.9'],
    ]);
    const clock = createManualClock({ autoAdvance: true });
    let n = 0;
    const run = await runStep(
      stepWaitFor({
        name: 'wait-install',
        what: 'the installer to finish',
        condition: (s) => s.get(keys.host) === '10.0.0.9' && ++n > 1,
        timeoutMs: 60_000,
        clock,
      }),
      { state },
    );
    expect(run.error).to.equal(undefined);
    expect(ui.lines).to.deep.equal(['Waiting for the installer to finish...']);
    expect(clock.sleeps).to.deep.equal([1000]);
  });
});
