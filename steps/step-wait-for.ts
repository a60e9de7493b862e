import { formatDurationMs } from '../config/duration.js';
import { abortReason, systemClock, type Clock } from '../engine/clock.js';
import { keys } from '../engine/keys.js';
import type { State } from '../engine/state.js';
import type { Step, StepContext, StepResult } from '../engine/step.js';
import { SdkError } from '../errors/index.js';

export interface WaitForOptions {
  /** Time between checks. */
  readonly intervalMs: number;
  /** Give up after this long (Infinity: never). */
  readonly timeoutMs: number;
  /** What is awaited, for the timeout message ("the machine to stop"). */
  readonly what?: string;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
}

/**
 * Checks `condition` at once and then every `intervalMs` until it holds. The time between
 * checks goes through the clock (specs pass a manual one), the last wait is cut to the
 * deadline, and cancellation ends the wait at once.
 * @throws SdkError `PKR_ERR_WAIT_TIMEOUT` when the deadline passes; the signal's reason when
 * cancelled; whatever `condition` throws.
 * @example await waitFor(async () => (await vm.state()) === 'off', { intervalMs: 500, timeoutMs: 300_000, signal })
 */
export async function waitFor(
  condition: (signal: AbortSignal) => boolean | Promise<boolean>,
  options: WaitForOptions,
): Promise<void> {
  const clock = options.clock ?? systemClock;
  const signal = options.signal ?? new AbortController().signal;
  if (!(options.intervalMs > 0)) {
    throw new SdkError(
      'PKR_ERR_OPTION_INVALID',
      `waitFor: intervalMs must be above 0, got ${options.intervalMs}`,
    );
  }
  const deadline = clock.now() + options.timeoutMs;
  for (;;) {
    if (signal.aborted) throw abortReason(signal);
    if (await condition(signal)) return;
    if (signal.aborted) throw abortReason(signal);
    const remaining = deadline - clock.now();
    if (remaining <= 0) {
      throw new SdkError(
        'PKR_ERR_WAIT_TIMEOUT',
        `timed out after ${formatDurationMs(options.timeoutMs)} waiting for ${options.what ?? 'a condition'}`,
        { details: { timeoutMs: options.timeoutMs, what: options.what } },
      );
    }
    await clock.sleep(Math.min(options.intervalMs, remaining), signal);
  }
}

export interface StepWaitForOptions {
  /** Step name (unique in its list). */
  readonly name: string;
  /** The condition; gets the state bag and the build's signal. */
  readonly condition: (state: State, signal: AbortSignal) => boolean | Promise<boolean>;
  /** What is awaited, for the Ui and the timeout message ("the installer to finish"). */
  readonly what: string;
  readonly timeoutMs: number;
  /** Default 1000 ms. */
  readonly intervalMs?: number;
  readonly clock?: Clock;
}

/**
 * A step that waits for a condition ("Waiting for the installer to finish..."), failing with
 * `PKR_ERR_WAIT_TIMEOUT` when it does not come true in time.
 */
export class StepWaitFor implements Step {
  readonly name: string;
  readonly #options: StepWaitForOptions;

  constructor(options: StepWaitForOptions) {
    this.#options = options;
    this.name = options.name;
  }

  async run(state: State, ctx: StepContext): Promise<StepResult> {
    const o = this.#options;
    await state.require(keys.ui).say(`Waiting for ${o.what}...`);
    await waitFor((signal) => o.condition(state, signal), {
      intervalMs: o.intervalMs ?? 1000,
      timeoutMs: o.timeoutMs,
      what: o.what,
      signal: ctx.signal,
      ...(o.clock ? { clock: o.clock } : {}),
    });
    return 'continue';
  }
}

/** A step that waits for a condition. */
export function stepWaitFor(options: StepWaitForOptions): StepWaitFor {
  return new StepWaitFor(options);
}
