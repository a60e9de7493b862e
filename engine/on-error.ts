import { SdkError } from '../errors/index.js';
import { keys } from './keys.js';
import type { State } from './state.js';
import type { CleanupContext, Step, StepContext, StepResult } from './step.js';
import { wrapStep } from './wrap.js';

/** Packer's `-on-error` values. */
export type OnErrorMode = 'cleanup' | 'abort' | 'ask' | 'run-cleanup-provisioner';

export type AskAnswer = 'cleanup' | 'abort' | 'retry';

export interface OnErrorOptions {
  mode: OnErrorMode;
  /** For 'ask': decides what to do about a failed step (Packer offers clean up / abort / retry). */
  ask?: (request: { step: string; error: unknown; state: State }) => Promise<AskAnswer>;
  /**
   * For 'run-cleanup-provisioner': called once, before any cleanup, after the first failure
   * (builders run core's `packer_cleanup_provision` hook here).
   */
  cleanupProvisioner?: (state: State, error: unknown) => Promise<void>;
}

/**
 * Applies an on-error policy to a step list, as wrappers: a step that fails (throws, or
 * halts with an error recorded under `keys.error`) is handled per `mode`. Cancellation
 * always cleans up, whatever the mode, like Packer.
 *
 * - `cleanup`: the default; every started step is cleaned up.
 * - `abort`: no step is cleaned up; resources stay for inspection.
 * - `ask`: `ask` decides; 'retry' re-runs the failed step.
 * - `run-cleanup-provisioner`: `cleanupProvisioner` runs, then the normal cleanup.
 */
export function onError(steps: readonly Step[], options: OnErrorOptions): Step[] {
  if (options.mode === 'ask' && !options.ask) {
    throw new SdkError('PKR_ERR_OPTION_INVALID', "onError: mode 'ask' needs an `ask` callback");
  }
  if (options.mode === 'run-cleanup-provisioner' && !options.cleanupProvisioner) {
    throw new SdkError(
      'PKR_ERR_OPTION_INVALID',
      "onError: mode 'run-cleanup-provisioner' needs `cleanupProvisioner`",
    );
  }
  const decision = { skipCleanup: false, cleanupProvisionerRan: false };

  return steps.map((step) =>
    wrapStep(
      step,
      async (state: State, ctx: StepContext): Promise<StepResult> => {
        for (;;) {
          let failure: { error: unknown } | undefined;
          let result: StepResult | undefined;
          try {
            result = await step.run(state, ctx);
            if (result === 'halt' && state.has(keys.error)) failure = { error: state.get(keys.error) };
          } catch (error) {
            failure = { error };
          }
          if (!failure) return result!;
          // Cancellation always cleans up, whatever the mode.
          if (ctx.signal.aborted) {
            if (result === undefined) throw failure.error;
            return result;
          }
          const answer = await decide(options, step.name, failure.error, state);
          if (answer === 'retry') {
            state.delete(keys.error);
            ctx.events.emit({ type: 'step.note', name: 'on-error', data: { action: 'retry' } });
            continue;
          }
          if (answer === 'abort') decision.skipCleanup = true;
          if (options.mode === 'run-cleanup-provisioner' && !decision.cleanupProvisionerRan) {
            decision.cleanupProvisionerRan = true;
            await options.cleanupProvisioner!(state, failure.error);
          }
          if (result === undefined) throw failure.error;
          return result;
        }
      },
      async (state: State, ctx: CleanupContext, innerCleanup): Promise<void> => {
        if (decision.skipCleanup && ctx.status !== 'cancelled') {
          ctx.events.emit({ type: 'cleanup.skipped', reason: 'on-error=abort' });
          return;
        }
        await innerCleanup(state, ctx);
      },
    ),
  );
}

async function decide(
  options: OnErrorOptions,
  step: string,
  error: unknown,
  state: State,
): Promise<AskAnswer> {
  switch (options.mode) {
    case 'abort':
      return 'abort';
    case 'ask':
      return options.ask!({ step, error, state });
    default:
      return 'cleanup';
  }
}
