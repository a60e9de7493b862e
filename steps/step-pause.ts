import { formatDurationMs, parseDurationMs } from '../config/duration.js';
import { systemClock, type Clock } from '../engine/clock.js';
import { keys } from '../engine/keys.js';
import type { State } from '../engine/state.js';
import type { Step, StepContext, StepResult } from '../engine/step.js';

export interface StepPauseOptions {
  /** Step name; default "pause". */
  readonly name?: string;
  /** A Go duration ("10s", "1m30s") as templates write `boot_wait` or `pause_before`, or milliseconds. */
  readonly duration: string | number;
  /** What the Ui says first; default "Pausing <duration>...". Nothing is said for a zero pause. */
  readonly message?: string | ((duration: string) => string);
  readonly clock?: Clock;
}

/**
 * Waits a fixed time (`boot_wait`, `pause_before`, a settle time after a reboot), on the
 * injected clock, ending at once when the build is cancelled.
 * @throws SdkError `PKR_ERR_DURATION_INVALID` for a duration Go would not parse (checked
 * when the step is made, so a builder fails at once).
 */
export class StepPause implements Step {
  readonly name: string;
  readonly #ms: number;
  readonly #options: StepPauseOptions;

  constructor(options: StepPauseOptions) {
    this.#options = options;
    this.#ms = typeof options.duration === 'string' ? parseDurationMs(options.duration) : options.duration;
    this.name = options.name ?? 'pause';
  }

  async run(state: State, ctx: StepContext): Promise<StepResult> {
    if (!(this.#ms > 0)) return 'continue';
    const text = formatDurationMs(this.#ms);
    const message = this.#options.message;
    await state
      .require(keys.ui)
      .say(
        message === undefined ? `Pausing ${text}...` : typeof message === 'string' ? message : message(text),
      );
    await (this.#options.clock ?? systemClock).sleep(this.#ms, ctx.signal);
    return 'continue';
  }
}

/**
 * A pause step.
 * @example stepPause({ name: 'boot-wait', duration: config.boot_wait, message: (d) => `Waiting ${d} for boot...` })
 */
export function stepPause(options: StepPauseOptions): StepPause {
  return new StepPause(options);
}
