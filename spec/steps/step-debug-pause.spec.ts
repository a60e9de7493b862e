import { expect } from 'chai';
import { debugPause } from '../../engine/debug-pause.js';
import { createRunner } from '../../engine/runner.js';
import { keys } from '../../engine/keys.js';
import { isSdkError } from '../../errors/index.js';
import { askOrCancel, pauseForDebug } from '../../steps/step-debug-pause.js';
import { createMockState, createRecordingStep, MockUi } from '../../testing/index.js';

describe('steps/step-debug-pause', () => {
  it('asks Packer’s question after each step’s run, with the engine’s debugPause', async () => {
    const ui = new MockUi(() => '');
    const log: string[] = [];
    const steps = ['create-vm', 'boot', 'provision'].map((n) => createRecordingStep(n, log));
    const runner = createRunner(debugPause(steps, pauseForDebug(ui)));
    const outcome = await runner.run(createMockState([[keys.ui, ui]]));
    expect(outcome.status).to.equal('done');
    expect(ui.records.filter((r) => r.kind === 'ask').map((r) => ('text' in r ? r.text : ''))).to.deep.equal([
      "Pausing after run of step 'create-vm'. Press enter to continue.",
      "Pausing after run of step 'boot'. Press enter to continue.",
    ]);
  });

  it('can pause before the first step too', async () => {
    const ui = new MockUi(() => '');
    const pause = pauseForDebug(ui, { beforeFirst: true });
    const signal = new AbortController().signal;
    await pause({ step: 'a', path: ['a'], state: createMockState(), signal });
    expect(ui.records).to.deep.equal([
      { kind: 'ask', text: "Pausing before step 'a'. Press enter to continue." },
    ]);
  });

  it('stops waiting for the answer when the build is cancelled', async () => {
    const never = new MockUi(() => new Promise<string>(() => undefined) as unknown as string);
    const controller = new AbortController();
    const asking = askOrCancel(never, 'Press enter', controller.signal).catch((e: unknown) => e);
    await never.waitFor('Press enter');
    controller.abort();
    expect(isSdkError(await asking, 'PKR_ERR_CANCELLED')).to.equal(true);
  });
});
