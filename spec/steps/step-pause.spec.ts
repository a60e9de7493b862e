import { expect } from 'chai';
import { keys } from '../../engine/keys.js';
import { isSdkError } from '../../errors/index.js';
import { StepPause, stepPause } from '../../steps/step-pause.js';
import { createManualClock, createMockState, MockUi, runStep } from '../../testing/index.js';

describe('steps/step-pause', () => {
  it('waits a Go duration on the clock and says so', async () => {
    const ui = new MockUi();
    const clock = createManualClock();
    const running = runStep(
      stepPause({ name: 'boot-wait', duration: '1m30s', message: (d) => `Waiting ${d} for boot...`, clock }),
      {
        state: createMockState([[keys.ui, ui]]),
      },
    );
    await ui.waitFor('Waiting 1m30s for boot...');
    expect(clock.sleeps).to.deep.equal([90_000]);
    clock.advance(90_000);
    const run = await running;
    expect(run.result).to.equal('continue');
  });

  it('does nothing for a zero pause and takes milliseconds too', async () => {
    const ui = new MockUi();
    const clock = createManualClock({ autoAdvance: true });
    await runStep(new StepPause({ duration: '0s', clock }), { state: createMockState([[keys.ui, ui]]) });
    expect(ui.lines).to.deep.equal([]);
    await runStep(new StepPause({ duration: 1500, clock }), { state: createMockState([[keys.ui, ui]]) });
    expect(ui.lines).to.deep.equal(['Pausing 1.5s...']);
    expect(clock.sleeps).to.deep.equal([1500]);
  });

  it('ends at once when the build is cancelled', async () => {
    const ui = new MockUi();
    const controller = new AbortController();
    const running = runStep(new StepPause({ duration: '10m', clock: createManualClock() }), {
      state: createMockState([[keys.ui, ui]]),
      signal: controller.signal,
    });
    await ui.waitFor('Pausing 10m0s...');
    controller.abort();
    expect(isSdkError((await running).error, 'PKR_ERR_CANCELLED')).to.equal(true);
  });

  it('refuses a duration Go would not parse when the step is made', () => {
    expect(() => new StepPause({ duration: '10 minutes' })).to.throw(/invalid duration|unknown unit/);
  });
});
