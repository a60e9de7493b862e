import { Runner, type RunnerOptions } from './runner.js';
import type { State } from './state.js';
import type { Step, StepContext, StepResult } from './step.js';
import { wrapStep } from './wrap.js';

export interface PauseRequest {
  /** The step about to run. */
  readonly step: string;
  readonly path: readonly string[];
  readonly state: State;
  /** Aborts when the build is cancelled while paused. */
  readonly signal: AbortSignal;
}

/** Resolves when the build may go on (Packer's "Press enter to continue"). */
export type PauseFn = (request: PauseRequest) => Promise<void>;

/**
 * Packer's `-debug`: pause before each step until `pause` resolves. Given a runner, returns
 * a new runner over the wrapped steps with the same options.
 */
export function debugPause(target: Runner, pause: PauseFn, options?: RunnerOptions): Runner;
export function debugPause(target: readonly Step[], pause: PauseFn): Step[];
export function debugPause(
  target: Runner | readonly Step[],
  pause: PauseFn,
  options?: RunnerOptions,
): Runner | Step[] {
  if (target instanceof Runner) {
    return new Runner(wrapAll(target.steps, pause), { name: target.name, ...options });
  }
  return wrapAll(target, pause);
}

function wrapAll(steps: readonly Step[], pause: PauseFn): Step[] {
  return steps.map((step) => {
    // The pause belongs to the wrapper: a step cancelled while paused never started, so it
    // gets no cleanup.
    let started = false;
    return wrapStep(
      step,
      async (state: State, ctx: StepContext): Promise<StepResult> => {
        started = false;
        ctx.events.emit({ type: 'paused', reason: 'debug' });
        await pause({ step: step.name, path: ctx.path, state, signal: ctx.signal });
        ctx.events.emit({ type: 'resumed' });
        started = true;
        return step.run(state, ctx);
      },
      async (state, ctx, innerCleanup) => {
        if (started) await innerCleanup(state, ctx);
      },
    );
  });
}
