import { expect } from 'chai';
import { keys, sequence, stateKey, type Step } from '../../engine/index.js';
import {
  createManualClock,
  createMockState,
  createRecordingStep,
  MockUi,
  runStep,
} from '../../testing/index.js';

const vmId = stateKey<string>('vm_id');

/** The kind of step a plugin author writes and unit-tests with the kit. */
const stepAnnounce: Step = {
  name: 'announce',
  async run(state) {
    const ui = state.require(keys.ui);
    await ui.say(`Created ${state.require(vmId)}`);
    state.put(keys.instanceId, state.require(vmId));
    return 'continue';
  },
  async cleanup(state) {
    await state.require(keys.ui).say('Removing instance');
  },
};

describe('testing kit', () => {
  it('unit-tests one step with a mocked state bag', async () => {
    const ui = new MockUi();
    const state = createMockState([
      [keys.ui, ui],
      [vmId, 'vm-7'],
    ]);
    const run = await runStep(stepAnnounce, { state });
    expect(run.result).to.equal('continue');
    expect(run.error).to.equal(undefined);
    expect(state.get(keys.instanceId)).to.equal('vm-7');
    await run.cleanup();
    expect(ui.lines).to.deep.equal(['Created vm-7', 'Removing instance']);
  });

  it('reports what a step threw instead of rejecting', async () => {
    const run = await runStep(stepAnnounce, { state: createMockState([[keys.ui, new MockUi()]]) });
    expect(run.result).to.equal(undefined);
    expect((run.error as Error).message).to.contain('"vm_id"');
  });

  it('runs a sequence step and its children cleanup', async () => {
    const log: string[] = [];
    const run = await runStep(sequence('s', [createRecordingStep('a', log), createRecordingStep('b', log)]));
    expect(run.result).to.equal('continue');
    await run.cleanup();
    expect(log).to.deep.equal(['run:a', 'run:b', 'cleanup:b', 'cleanup:a']);
    expect(run.events.map((e) => e.type)).to.include('cleanup.finished');
  });

  it('passes the signal to the step', async () => {
    const controller = new AbortController();
    controller.abort();
    const run = await runStep(
      { name: 'x', run: async (_s, ctx) => (ctx.signal.aborted ? 'halt' : 'continue') },
      { signal: controller.signal },
    );
    expect(run.result).to.equal('halt');
  });

  describe('MockUi', () => {
    it('records every kind of output and answers planned questions', async () => {
      const ui = new MockUi(['yes']);
      await ui.say('a');
      await ui.message('b');
      await ui.error('c');
      await ui.machine('artifact', '0', 'id', 'x');
      expect(await ui.ask('continue?')).to.equal('yes');
      const progress = await ui.trackProgress('disk.iso', 100);
      progress.add(40);
      progress.add(60);
      await progress.close();
      expect(ui.records).to.deep.equal([
        { kind: 'say', text: 'a' },
        { kind: 'message', text: 'b' },
        { kind: 'error', text: 'c' },
        { kind: 'machine', category: 'artifact', args: ['0', 'id', 'x'] },
        { kind: 'ask', text: 'continue?' },
        { kind: 'progress', src: 'disk.iso', totalSize: 100, done: 100, closed: true },
      ]);
    });

    it('lets a spec wait for a line that is yet to come, or already there', async () => {
      const ui = new MockUi();
      await ui.say('early');
      const later = ui.waitFor((r) => r.kind === 'error');
      expect(await ui.waitFor('early')).to.deep.equal({ kind: 'say', text: 'early' });
      await ui.error('late');
      expect(await later).to.deep.equal({ kind: 'error', text: 'late' });
    });

    it('fails loudly on an unplanned question', async () => {
      let caught: unknown;
      try {
        await new MockUi().ask('really?');
      } catch (err) {
        caught = err;
      }
      expect((caught as Error).message).to.contain('no answer planned');
    });
  });

  describe('manual clock', () => {
    it('resolves sleeps only when advanced', async () => {
      const clock = createManualClock({ start: 10 });
      let woke = false;
      const sleeping = clock.sleep(100).then(() => (woke = true));
      clock.advance(99);
      await Promise.resolve();
      expect(woke).to.equal(false);
      clock.advance(1);
      await sleeping;
      expect(woke).to.equal(true);
      expect(clock.now()).to.equal(110);
    });

    it('rejects a sleep when its signal aborts', async () => {
      const clock = createManualClock();
      const controller = new AbortController();
      const sleeping = clock.sleep(5, controller.signal);
      controller.abort();
      let caught: unknown;
      try {
        await sleeping;
      } catch (err) {
        caught = err;
      }
      expect((caught as { code?: string }).code).to.equal('PKR_ERR_CANCELLED');
    });
  });
});
