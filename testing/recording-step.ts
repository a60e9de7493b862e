import type { State } from '../engine/state.js';
import type { CleanupContext, Step, StepContext, StepResult } from '../engine/step.js';

export interface RecordingStepOptions {
  /** What run returns (default 'continue'). */
  result?: StepResult;
  /** Make run throw this. */
  throws?: Error;
  /** Make cleanup throw this. */
  cleanupThrows?: Error;
  /** Extra behaviour inside run (e.g. wait on the signal), before `result` is returned. */
  run?: (state: State, ctx: StepContext) => Promise<void> | void;
  /** Leave out cleanup entirely. */
  noCleanup?: boolean;
}

/**
 * A step that writes `run:<name>` and `cleanup:<name>` into a shared log, to prove run order
 * `[a, b]` and cleanup order `[b, a]`.
 */
export function createRecordingStep(name: string, log: string[], options: RecordingStepOptions = {}): Step {
  const step: Step = {
    name,
    async run(state: State, ctx: StepContext): Promise<StepResult> {
      log.push(`run:${name}`);
      await options.run?.(state, ctx);
      if (options.throws !== undefined) throw options.throws;
      return options.result ?? 'continue';
    },
  };
  if (!options.noCleanup) {
    step.cleanup = async (_state: State, _ctx: CleanupContext): Promise<void> => {
      log.push(`cleanup:${name}`);
      if (options.cleanupThrows !== undefined) throw options.cleanupThrows;
    };
  }
  return step;
}
