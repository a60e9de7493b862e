import { SdkError } from '../errors/index.js';
import { systemClock, type Clock } from './clock.js';
import type { State } from './state.js';
import type { Step, StepContext, StepResult } from './step.js';
import { wrapStep } from './wrap.js';

export interface RetryOptions {
  /** Total attempts, first included (≥ 1). */
  attempts: number;
  /**
   * Delay before attempt n+1: fixed ms, a function of the failed attempt number (1-based),
   * or exponential `{ initialMs, factor, maxMs }`. Default 0.
   */
  backoff?: number | ((attempt: number) => number) | { initialMs: number; factor?: number; maxMs?: number };
  /** Retry only errors this accepts (default: all but cancellation). */
  retryOn?: (error: unknown) => boolean;
  /** Time source for the backoff; the testing kit's manual clock makes it instant. */
  clock?: Clock;
}

/**
 * Re-runs a step that throws. Between attempts the failed attempt's own cleanup runs, so a
 * half-made resource does not leak; the final attempt's cleanup is left to the runner.
 * Cancellation is never retried and interrupts the backoff.
 */
export function retry(step: Step, options: RetryOptions): Step {
  const { attempts } = options;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new SdkError(
      'PKR_ERR_OPTION_INVALID',
      `retry("${step.name}"): attempts must be an integer ≥ 1, got ${attempts}`,
    );
  }
  const clock = options.clock ?? systemClock;
  const delay = backoffFunction(options.backoff);
  const retryOn = options.retryOn ?? (() => true);

  return wrapStep(step, async (state: State, ctx: StepContext): Promise<StepResult> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await step.run(state, ctx);
      } catch (error) {
        if (ctx.signal.aborted || !retryOn(error)) throw error;
        if (attempt >= attempts) {
          throw new SdkError('PKR_ERR_RETRY_EXHAUSTED', `step "${step.name}" failed ${attempts} times`, {
            cause: error,
            details: { step: step.name, attempts },
          });
        }
        ctx.events.emit({ type: 'step.note', name: 'retry', data: { attempt, error: String(error) } });
        if (step.cleanup)
          await step.cleanup(state, {
            status: 'failed',
            error,
            events: ctx.events,
            path: ctx.path,
            log: ctx.log,
          });
        const ms = delay(attempt);
        if (ms > 0) await clock.sleep(ms, ctx.signal);
      }
    }
  });
}

function backoffFunction(backoff: RetryOptions['backoff']): (attempt: number) => number {
  if (backoff === undefined) return () => 0;
  if (typeof backoff === 'number') return () => backoff;
  if (typeof backoff === 'function') return backoff;
  const { initialMs, factor = 2, maxMs = Number.POSITIVE_INFINITY } = backoff;
  return (attempt) => Math.min(maxMs, initialMs * factor ** (attempt - 1));
}
