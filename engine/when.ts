import type { State } from './state.js';
import type { Step } from './step.js';
import { wrapStep } from './wrap.js';

/**
 * Runs `step` only when `predicate(state)` holds at the moment it would start; otherwise the
 * step is reported as skipped and gets no cleanup.
 *
 * @example
 * when((state) => state.get(keys.debug) === true, stepDumpLogs)
 */
export function when(predicate: (state: State) => boolean, step: Step, reason = 'condition not met'): Step {
  let ran = false;
  return wrapStep(
    step,
    async (state, ctx) => {
      ran = predicate(state);
      if (!ran) {
        ctx.events.emit({ type: 'step.skipped', reason });
        return 'continue';
      }
      return step.run(state, ctx);
    },
    async (state, ctx, innerCleanup) => {
      if (!ran) return;
      ran = false;
      await innerCleanup(state, ctx);
    },
  );
}
