import { Subject } from 'rxjs';
import { systemClock, type Clock } from '../engine/clock.js';
import type { EngineEvent, RunStatus, StepEventInput } from '../engine/events.js';
import { ENV, type ExecutionEnv } from '../engine/internal.js';
import { silentLogger, type Logger } from '../engine/logger.js';
import type { StateBag } from '../engine/state.js';
import type { CleanupContext, Step, StepContext, StepResult } from '../engine/step.js';
import { createMockState } from './mock-state.js';

export interface RunStepOptions {
  state?: StateBag;
  signal?: AbortSignal;
  clock?: Clock;
  /** The logger the step gets (as a child tagged with its name); default silent. */
  log?: Logger;
}

export interface StepRun {
  /** 'continue' or 'halt', or undefined when run threw. */
  readonly result: StepResult | undefined;
  /** What run threw, if it did. */
  readonly error: unknown;
  readonly state: StateBag;
  /** Events the step (and, for a sequence, its children) emitted. */
  readonly events: EngineEvent[];
  /** Runs the step's cleanup as the runner would after a run with `status`. */
  cleanup(status?: RunStatus): Promise<void>;
}

/**
 * Runs one step's `run` against a (mocked) state bag, without a runner, and hands back its
 * result, its events and a way to run its cleanup.
 *
 * @example
 * const state = createMockState([[keys.ui, ui]]);
 * const run = await runStep(new StepCreateDir(dir), { state });
 * expect(run.result).to.equal('continue');
 * await run.cleanup('failed');
 */
export async function runStep(step: Step, options: RunStepOptions = {}): Promise<StepRun> {
  const state = options.state ?? createMockState();
  const clock = options.clock ?? systemClock;
  const events: EngineEvent[] = [];
  const subject = new Subject<EngineEvent>();
  subject.subscribe((e) => events.push(e));
  const logger = options.log ?? silentLogger;
  const log = logger.child({ step: step.name });
  const env: ExecutionEnv = {
    logger,
    clock,
    emit: (e) => subject.next(e),
    inspect: undefined,
    records: [],
    cleanupErrors: [],
  };
  const path = [step.name];
  const sink = {
    emit(event: StepEventInput) {
      const at = clock.now();
      if (event.type === 'step.note')
        env.emit({ type: 'step.note', path, at, name: event.name, data: event.data ?? {} });
      else env.emit({ ...event, path, at });
    },
  };
  const ctx = {
    signal: options.signal ?? new AbortController().signal,
    events: sink,
    path,
    log,
    [ENV]: env,
  } as StepContext;

  let result: StepResult | undefined;
  let error: unknown;
  try {
    result = await step.run(state.viewFor(step.name), ctx);
  } catch (err) {
    error = err;
  }
  return {
    result,
    error,
    state,
    events,
    async cleanup(status: RunStatus = error === undefined ? 'done' : 'failed') {
      if (!step.cleanup) return;
      const cctx = {
        status,
        events: sink,
        path,
        log,
        [ENV]: env,
        ...(error === undefined ? {} : { error }),
      } as CleanupContext;
      await step.cleanup(state.viewFor(step.name), cctx);
      const [first] = env.cleanupErrors;
      if (first) throw first.error;
    },
  };
}
