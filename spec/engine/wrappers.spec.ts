import { expect } from 'chai';
import {
  createRunner,
  debugPause,
  keys,
  onError,
  retry,
  sequence,
  when,
  type EngineEvent,
  type PauseRequest,
  type Step,
} from '../../engine/index.js';
import { isSdkError } from '../../errors/index.js';
import { createManualClock, createRecordingStep } from '../../testing/index.js';

function flaky(name: string, failures: number, log: string[]): Step {
  let calls = 0;
  return {
    name,
    run: async () => {
      calls++;
      log.push(`run:${name}#${calls}`);
      if (calls <= failures) throw new Error(`attempt ${calls} failed`);
      return 'continue';
    },
    cleanup: () => void log.push(`cleanup:${name}`),
  };
}

describe('engine wrappers', () => {
  describe('when', () => {
    it('runs the step only when the predicate holds, and cleans up only what ran', async () => {
      const log: string[] = [];
      const events: EngineEvent[] = [];
      const runner = createRunner([
        when(() => false, createRecordingStep('skipped', log)),
        when((state) => state.get(keys.debug) === true, createRecordingStep('debug-only', log)),
        when(() => true, createRecordingStep('ran', log)),
      ]);
      runner.events$.subscribe((e) => events.push(e));
      const outcome = await runner.run();
      expect(outcome.status).to.equal('done');
      expect(log).to.deep.equal(['run:ran', 'cleanup:ran']);
      expect(events.filter((e) => e.type === 'step.skipped').map((e) => e.path[0])).to.deep.equal([
        'skipped',
        'debug-only',
      ]);
    });
  });

  describe('retry', () => {
    it('retries with backoff, cleaning up each failed attempt', async () => {
      const log: string[] = [];
      const clock = createManualClock({ autoAdvance: true });
      const step = retry(flaky('connect', 2, log), {
        attempts: 3,
        backoff: { initialMs: 100, factor: 2 },
        clock,
      });
      const outcome = await createRunner([step]).run();
      expect(outcome.status).to.equal('done');
      expect(clock.sleeps).to.deep.equal([100, 200]);
      expect(log).to.deep.equal([
        'run:connect#1',
        'cleanup:connect',
        'run:connect#2',
        'cleanup:connect',
        'run:connect#3',
        'cleanup:connect',
      ]);
    });

    it('gives up after the last attempt with a coded error keeping the cause', async () => {
      const clock = createManualClock({ autoAdvance: true });
      const outcome = await createRunner([
        retry(flaky('x', 5, []), { attempts: 2, backoff: 10, clock }),
      ]).run();
      expect(outcome.status).to.equal('failed');
      expect(isSdkError(outcome.error, 'PKR_ERR_RETRY_EXHAUSTED')).to.equal(true);
      expect(((outcome.error as Error).cause as Error).message).to.equal('attempt 2 failed');
    });

    it('does not retry errors retryOn refuses', async () => {
      const log: string[] = [];
      const outcome = await createRunner([
        retry(flaky('x', 5, log), { attempts: 4, retryOn: () => false }),
      ]).run();
      expect(outcome.status).to.equal('failed');
      expect(log.filter((l) => l.startsWith('run:'))).to.have.length(1);
    });

    it('stops waiting in the backoff when cancelled', async () => {
      const controller = new AbortController();
      const clock = createManualClock();
      const log: string[] = [];
      const run = createRunner([retry(flaky('x', 5, log), { attempts: 3, backoff: 60_000, clock })]).run(
        undefined,
        {
          signal: controller.signal,
        },
      );
      await new Promise((r) => setImmediate(r));
      expect(clock.sleeps).to.deep.equal([60_000]);
      controller.abort();
      const outcome = await run;
      expect(outcome.status).to.equal('cancelled');
      expect(log.filter((l) => l.startsWith('run:'))).to.have.length(1);
    });

    it('rejects a nonsensical attempt count', () => {
      expect(() => retry(createRecordingStep('x', []), { attempts: 0 })).to.throw(
        /attempts must be an integer/,
      );
    });
  });

  describe('debugPause', () => {
    it('pauses before each step and reports paused/resumed', async () => {
      const log: string[] = [];
      const pauses: string[] = [];
      const pause = async (req: PauseRequest): Promise<void> => void pauses.push(req.step);
      const runner = debugPause(
        createRunner([createRecordingStep('a', log), createRecordingStep('b', log)]),
        pause,
      );
      const events: EngineEvent[] = [];
      runner.events$.subscribe((e) => events.push(e));
      const outcome = await runner.run();
      expect(outcome.status).to.equal('done');
      expect(pauses).to.deep.equal(['a', 'b']);
      expect(
        events
          .filter((e) => e.type === 'paused' || e.type === 'resumed')
          .map((e) => `${e.type}:${e.path[0]}`),
      ).to.deep.equal(['paused:a', 'resumed:a', 'paused:b', 'resumed:b']);
    });

    it('lets the pause see cancellation', async () => {
      const controller = new AbortController();
      const log: string[] = [];
      const steps = debugPause([createRecordingStep('a', log), createRecordingStep('b', log)], (req) =>
        req.step === 'b'
          ? new Promise((_, reject) => {
              req.signal.addEventListener('abort', () => reject(new Error('stopped while paused')));
              controller.abort();
            })
          : Promise.resolve(),
      );
      const outcome = await createRunner(steps).run(undefined, { signal: controller.signal });
      expect(outcome.status).to.equal('cancelled');
      expect(log).to.deep.equal(['run:a', 'cleanup:a']);
    });

    it('keeps sequences visible in the graph', () => {
      const steps = debugPause([sequence('s', [createRecordingStep('x', [])])], async () => undefined);
      expect(JSON.stringify(createRunner(steps).machineConfig())).to.contain('"x"');
    });
  });

  describe('onError', () => {
    const failingBuild = (log: string[]): Step[] => [
      createRecordingStep('a', log),
      createRecordingStep('b', log, { throws: new Error('provisioning failed') }),
    ];

    it("'cleanup' cleans up as usual", async () => {
      const log: string[] = [];
      await createRunner(onError(failingBuild(log), { mode: 'cleanup' })).run();
      expect(log).to.deep.equal(['run:a', 'run:b', 'cleanup:b', 'cleanup:a']);
    });

    it("'abort' leaves every resource in place", async () => {
      const log: string[] = [];
      const runner = createRunner(onError(failingBuild(log), { mode: 'abort' }));
      const events: EngineEvent[] = [];
      runner.events$.subscribe((e) => events.push(e));
      const outcome = await runner.run();
      expect(outcome.status).to.equal('failed');
      expect((outcome.error as Error).message).to.equal('provisioning failed');
      expect(log).to.deep.equal(['run:a', 'run:b']);
      expect(events.filter((e) => e.type === 'cleanup.skipped')).to.have.length(2);
    });

    it("'abort' still cleans up on cancellation", async () => {
      const log: string[] = [];
      const controller = new AbortController();
      const steps = onError(
        [
          createRecordingStep('a', log),
          createRecordingStep('b', log, { run: () => controller.abort(), throws: new Error('x') }),
        ],
        { mode: 'abort' },
      );
      const outcome = await createRunner(steps).run(undefined, { signal: controller.signal });
      expect(outcome.status).to.equal('cancelled');
      expect(log).to.deep.equal(['run:a', 'run:b', 'cleanup:b', 'cleanup:a']);
    });

    it("'ask' can retry the failed step, then clean up", async () => {
      const log: string[] = [];
      const answers = ['retry', 'cleanup'] as const;
      const asked: string[] = [];
      const steps = onError([createRecordingStep('a', log), flaky('b', 5, log)], {
        mode: 'ask',
        ask: async ({ step }) => {
          asked.push(step);
          return answers[asked.length - 1]!;
        },
      });
      const outcome = await createRunner(steps).run();
      expect(outcome.status).to.equal('failed');
      expect(asked).to.deep.equal(['b', 'b']);
      expect(log).to.deep.equal(['run:a', 'run:b#1', 'run:b#2', 'cleanup:b', 'cleanup:a']);
    });

    it("'ask' treats a recorded error with halt as a failure", async () => {
      const log: string[] = [];
      const steps = onError(
        [
          createRecordingStep('a', log),
          createRecordingStep('b', log, { result: 'halt', run: (s) => s.put(keys.error, new Error('x')) }),
        ],
        { mode: 'ask', ask: async () => 'abort' },
      );
      const outcome = await createRunner(steps).run();
      expect(outcome.status).to.equal('halted');
      expect(log).to.deep.equal(['run:a', 'run:b']);
    });

    it("'run-cleanup-provisioner' calls the hook once before cleanup", async () => {
      const log: string[] = [];
      const steps = onError(failingBuild(log), {
        mode: 'run-cleanup-provisioner',
        cleanupProvisioner: async (_state, error) => void log.push(`hook:${(error as Error).message}`),
      });
      await createRunner(steps).run();
      expect(log).to.deep.equal(['run:a', 'run:b', 'hook:provisioning failed', 'cleanup:b', 'cleanup:a']);
    });

    it('requires the callbacks its mode needs', () => {
      expect(() => onError([], { mode: 'ask' })).to.throw(/needs an `ask` callback/);
      expect(() => onError([], { mode: 'run-cleanup-provisioner' })).to.throw(/cleanupProvisioner/);
    });
  });
});
