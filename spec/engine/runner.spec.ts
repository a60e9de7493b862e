import { expect } from 'chai';
import type { InspectionEvent } from 'xstate';
import { createRunner, keys, stateKey, StateBag, type EngineEvent, type Step } from '../../engine/index.js';
import { isSdkError } from '../../errors/index.js';
import { createRecordingStep } from '../../testing/index.js';

describe('engine/runner', () => {
  it('runs steps in order and cleans them up in reverse', async () => {
    const log: string[] = [];
    const runner = createRunner(['a', 'b', 'c'].map((n) => createRecordingStep(n, log)));
    const outcome = await runner.run();
    expect(outcome.status).to.equal('done');
    expect(log).to.deep.equal(['run:a', 'run:b', 'run:c', 'cleanup:c', 'cleanup:b', 'cleanup:a']);
    expect(outcome.steps.map((s) => [s.name, s.result])).to.deep.equal([
      ['a', 'continue'],
      ['b', 'continue'],
      ['c', 'continue'],
    ]);
    expect(outcome.cleanupErrors).to.deep.equal([]);
    expect(outcome).not.to.have.property('error');
  });

  it('fails on a throwing step: skips the rest, cleans up what started, reports the original error', async () => {
    const log: string[] = [];
    const boom = new Error('boom');
    const runner = createRunner([
      createRecordingStep('a', log),
      createRecordingStep('b', log, { throws: boom }),
      createRecordingStep('c', log),
    ]);
    const outcome = await runner.run();
    expect(outcome.status).to.equal('failed');
    expect(outcome.error).to.equal(boom);
    expect(outcome.failedStep).to.deep.equal(['b']);
    expect(log).to.deep.equal(['run:a', 'run:b', 'cleanup:b', 'cleanup:a']);
    expect(outcome.steps.map((s) => s.result)).to.deep.equal(['continue', 'failed', 'skipped']);
    expect(outcome.steps[2]!.startedAt).to.equal(null);
  });

  it('halts on halt, cleans up, and reports the error the step recorded', async () => {
    const log: string[] = [];
    const why = new Error('disk full');
    const runner = createRunner([
      createRecordingStep('a', log),
      createRecordingStep('b', log, { result: 'halt', run: (state) => state.put(keys.error, why) }),
      createRecordingStep('c', log),
    ]);
    const outcome = await runner.run();
    expect(outcome.status).to.equal('halted');
    expect(outcome.error).to.equal(why);
    expect(outcome.failedStep).to.deep.equal(['b']);
    expect(log).to.deep.equal(['run:a', 'run:b', 'cleanup:b', 'cleanup:a']);
  });

  it('halts without an error when none was recorded', async () => {
    const outcome = await createRunner([createRecordingStep('a', [], { result: 'halt' })]).run();
    expect(outcome.status).to.equal('halted');
    expect(outcome).not.to.have.property('error');
  });

  it('runs nothing when the signal fired before the run', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    controller.abort();
    const outcome = await createRunner([createRecordingStep('a', log)]).run(new StateBag(), {
      signal: controller.signal,
    });
    expect(outcome.status).to.equal('cancelled');
    expect(isSdkError(outcome.error, 'PKR_ERR_CANCELLED')).to.equal(true);
    expect(log).to.deep.equal([]);
    expect(outcome.steps.map((s) => s.result)).to.deep.equal(['skipped']);
  });

  it('starts no new step once the signal fired between steps', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const runner = createRunner([
      createRecordingStep('a', log, { run: () => controller.abort(new Error('user pressed Ctrl-C')) }),
      createRecordingStep('b', log),
    ]);
    const outcome = await runner.run(new StateBag(), { signal: controller.signal });
    expect(outcome.status).to.equal('cancelled');
    expect((outcome.error as Error).message).to.equal('user pressed Ctrl-C');
    expect(log).to.deep.equal(['run:a', 'cleanup:a']);
  });

  it('lets a running step observe the signal, then cleans up and reports cancelled', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    let observed = false;
    const waiting: Step = {
      name: 'wait-for-ssh',
      run: (_state, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            observed = true;
            reject(new Error('interrupted'));
          });
          queueMicrotask(() => controller.abort());
        }),
      cleanup: () => void log.push('cleanup:wait-for-ssh'),
    };
    const runner = createRunner([createRecordingStep('a', log), waiting, createRecordingStep('c', log)]);
    const outcome = await runner.run(new StateBag(), { signal: controller.signal });
    expect(observed).to.equal(true);
    expect(outcome.status).to.equal('cancelled');
    expect(log).to.deep.equal(['run:a', 'cleanup:wait-for-ssh', 'cleanup:a']);
    expect(outcome.steps.map((s) => s.result)).to.deep.equal(['continue', 'cancelled', 'skipped']);
  });

  it('keeps cleaning up when a cleanup throws, and collects every cleanup error', async () => {
    const log: string[] = [];
    const e1 = new Error('b cleanup');
    const e2 = new Error('c cleanup');
    const runner = createRunner([
      createRecordingStep('a', log),
      createRecordingStep('b', log, { cleanupThrows: e1 }),
      createRecordingStep('c', log, { cleanupThrows: e2 }),
    ]);
    const outcome = await runner.run();
    expect(outcome.status).to.equal('done');
    expect(log).to.deep.equal(['run:a', 'run:b', 'run:c', 'cleanup:c', 'cleanup:b', 'cleanup:a']);
    expect(outcome.cleanupErrors).to.deep.equal([
      { path: ['c'], error: e2 },
      { path: ['b'], error: e1 },
    ]);
  });

  it('gives cleanups the run status and error', async () => {
    const seen: unknown[] = [];
    const boom = new Error('boom');
    const runner = createRunner([
      { name: 'a', run: async () => 'continue', cleanup: (_s, ctx) => void seen.push(ctx.status, ctx.error) },
      { name: 'b', run: () => Promise.reject(boom) },
    ]);
    await runner.run();
    expect(seen).to.deep.equal(['failed', boom]);
  });

  it('refuses to run twice at once, and runs again afterwards', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const runner = createRunner([{ name: 'slow', run: () => gate.then(() => 'continue' as const) }]);
    const first = runner.run();
    let busy: unknown;
    try {
      await runner.run();
    } catch (err) {
      busy = err;
    }
    expect(isSdkError(busy, 'PKR_ERR_RUNNER_BUSY')).to.equal(true);
    release();
    expect((await first).status).to.equal('done');
    expect((await runner.run()).status).to.equal('done');
  });

  it('tolerates a step whose run returns synchronously', async () => {
    const sync = { name: 'sync', run: () => 'continue' } as unknown as Step;
    expect((await createRunner([sync]).run()).status).to.equal('done');
  });

  it('fails with a coded error naming the step when run returns something else', async () => {
    const bad = { name: 'sloppy', run: async () => 'ok' } as unknown as Step;
    const outcome = await createRunner([bad]).run();
    expect(outcome.status).to.equal('failed');
    expect(isSdkError(outcome.error, 'PKR_ERR_STEP_RESULT')).to.equal(true);
    expect((outcome.error as Error).message)
      .to.contain('"sloppy"')
      .and.contain('"ok"');
  });

  describe('construction', () => {
    const cases: [string, unknown[], string, string][] = [
      ['a non-step', [{ name: 'a', run: () => 'continue' }, 42], 'PKR_ERR_STEP_INVALID', 'item 1'],
      ['an object without run', [{ name: 'lonely' }], 'PKR_ERR_STEP_INVALID', '"lonely"'],
      [
        'a duplicate name',
        [
          { name: 'a', run: () => 'continue' },
          { name: 'a', run: () => 'continue' },
        ],
        'PKR_ERR_STEP_DUPLICATE',
        '"a"',
      ],
      ['a dotted name', [{ name: 'a.b', run: () => 'continue' }], 'PKR_ERR_STEP_NAME', '"a.b"'],
      ['an empty name', [{ name: '', run: () => 'continue' }], 'PKR_ERR_STEP_NAME', 'step 0'],
    ];
    for (const [what, steps, code, mention] of cases) {
      it(`rejects ${what} with ${code}`, () => {
        let caught: unknown;
        try {
          createRunner(steps as Step[]);
        } catch (err) {
          caught = err;
        }
        expect(isSdkError(caught, code as 'PKR_ERR_STEP_INVALID')).to.equal(true, String(caught));
        expect((caught as Error).message).to.contain(mention);
      });
    }
  });

  it('runs 10,000 steps with constant stack depth', async function () {
    this.timeout(60_000);
    const depth = (): number => new Error().stack!.split('\n').length;
    const previous = Error.stackTraceLimit;
    Error.stackTraceLimit = Infinity;
    try {
      const depths: number[] = [];
      const steps: Step[] = Array.from({ length: 10_000 }, (_, i) => ({
        name: `s${i}`,
        run: async () => {
          if (i === 1 || i === 9_998) depths.push(depth());
          return 'continue';
        },
        cleanup: () => {
          if (i === 1 || i === 9_998) depths.push(depth());
        },
      }));
      const outcome = await createRunner(steps).run();
      expect(outcome.status).to.equal('done');
      expect(outcome.steps).to.have.length(10_000);
      expect(depths).to.have.length(4);
      // [run s1, run s9998, cleanup s9998, cleanup s1]: the 9,997 steps between add no frames.
      expect(depths[1]).to.equal(depths[0]);
      expect(depths[3]).to.equal(depths[2]);
    } finally {
      Error.stackTraceLimit = previous;
    }
  });

  it('drives an xstate machine with one state per step in each phase', async () => {
    const values: string[] = [];
    const inspect = (event: InspectionEvent): void => {
      if (event.type === '@xstate.snapshot') {
        const value = (event.snapshot as { value?: unknown }).value;
        const flat =
          typeof value === 'string'
            ? value
            : Object.entries(value as object).map(([k, v]) => `${k}.${String(v)}`)[0]!;
        if (values[values.length - 1] !== flat) values.push(flat);
      }
    };
    const log: string[] = [];
    const runner = createRunner(
      ['a', 'b'].map((n) => createRecordingStep(n, log)),
      { inspect, name: 'demo' },
    );
    await runner.run();
    expect(values).to.deep.equal([
      'idle',
      'running.a',
      'running.b',
      'settled',
      'cleanup.b',
      'cleanup.a',
      'finished',
    ]);
  });

  it('passes through cleanup states of steps that never started', async () => {
    const values: string[] = [];
    const inspect = (event: InspectionEvent): void => {
      if (event.type === '@xstate.snapshot') {
        const value = (event.snapshot as { value?: unknown }).value;
        values.push(typeof value === 'string' ? value : JSON.stringify(value));
      }
    };
    const runner = createRunner(
      [
        createRecordingStep('a', []),
        createRecordingStep('b', [], { throws: new Error('x') }),
        createRecordingStep('c', []),
      ],
      { inspect },
    );
    await runner.run();
    expect(values.slice(-3)).to.deep.equal(['{"cleanup":"b"}', '{"cleanup":"a"}', 'finished']);
  });

  it('publishes lifecycle events with paths and timestamps', async () => {
    const events: EngineEvent[] = [];
    let now = 1000;
    const clock = { now: () => (now += 5), sleep: async () => undefined };
    const runner = createRunner(
      [
        createRecordingStep('a', []),
        createRecordingStep('b', [], { throws: new Error('x'), noCleanup: true }),
        createRecordingStep('c', []),
      ],
      { clock },
    );
    const sub = runner.events$.subscribe((e) => events.push(e));
    await runner.run();
    sub.unsubscribe();
    expect(events.map((e) => `${e.type}:${e.path.join('/')}`)).to.deep.equal([
      'run.started:',
      'step.started:a',
      'step.finished:a',
      'step.started:b',
      'step.finished:b',
      'step.skipped:c',
      'cleanup.started:a',
      'cleanup.finished:a',
      'run.finished:',
    ]);
    const finished = events.find((e) => e.type === 'step.finished' && e.path[0] === 'a');
    expect(finished).to.include({ result: 'continue', durationMs: 5 });
    expect(events.every((e) => e.at > 1000)).to.equal(true);
  });

  it('gives require errors that name the key and the asking step', async () => {
    const vmId = stateKey<string>('vm_id');
    const outcome = await createRunner([
      { name: 'connect', run: async (state) => (state.require(vmId), 'continue') },
    ]).run();
    expect(isSdkError(outcome.error, 'PKR_ERR_STATE_MISSING')).to.equal(true);
    expect((outcome.error as Error).message).to.equal(
      'step "connect" requires state key "vm_id", but no step has put it',
    );
  });
});
