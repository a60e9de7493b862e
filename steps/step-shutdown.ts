import { Type, type Static } from '@sinclair/typebox';
import { EXIT_STATUS_DISCONNECTED } from '../communicators/communicator.js';
import { formatDurationMs, parseDurationMs } from '../config/duration.js';
import { Duration } from '../config/schema.js';
import { systemClock, type Clock } from '../engine/clock.js';
import { keys } from '../engine/keys.js';
import type { State } from '../engine/state.js';
import type { Step, StepContext, StepResult } from '../engine/step.js';
import { describeError, isSdkError, SdkError } from '../errors/index.js';
import { waitFor } from './step-wait-for.js';

/** Packer's ShutdownConfig fields. Spread `shutdownConfig.properties` into a builder's schema. */
export const shutdownConfig = Type.Object({
  shutdown_command: Type.String({
    default: '',
    description:
      'Command run on the machine to shut it down gracefully once provisioning is done, e.g. "sudo shutdown -P now". Empty: the builder powers it off.',
  }),
  shutdown_timeout: Duration({
    default: '5m',
    description:
      'How long to wait for the machine to stop after shutdown_command; then the builder forces it off (or the build fails when it cannot).',
  }),
});

export type ShutdownConfig = Static<typeof shutdownConfig>;

export interface StepShutdownOptions {
  /** Step name; default "shutdown". */
  readonly name?: string;
  /** True once the machine has stopped (the builder asks its hypervisor or cloud). */
  readonly isStopped: (state: State, signal: AbortSignal) => boolean | Promise<boolean>;
  /** Powers the machine off hard. Without it, a timeout fails the build. */
  readonly forceStop?: (state: State, signal: AbortSignal) => void | Promise<void>;
  /** Time between `isStopped` checks; default 1000 ms. */
  readonly pollIntervalMs?: number;
  readonly clock?: Clock;
}

/**
 * Stops the machine at the end of a build, as Packer's VM builders do:
 * - with `shutdown_command`: runs it through the communicator (`keys.communicator`), waits up
 *   to `shutdown_timeout` for `isStopped`, then forces the machine off with `forceStop`
 *   ("Timeout while waiting for machine to shut down; forcing it off"), or fails with
 *   `PKR_ERR_SHUTDOWN_TIMEOUT` when the builder gave none;
 * - without it: `forceStop` at once ("Halting the virtual machine..."), or, when the builder
 *   gave none, waits for the machine to stop by itself (a provisioner shut it down).
 * The command's exit status is not awaited: a shutting-down machine often drops the
 * connection first.
 */
export class StepShutdown implements Step {
  readonly name: string;
  readonly #command: string;
  readonly #timeoutMs: number;
  readonly #options: StepShutdownOptions;

  constructor(config: Partial<ShutdownConfig>, options: StepShutdownOptions) {
    this.#command = config.shutdown_command ?? '';
    this.#timeoutMs = parseDurationMs(config.shutdown_timeout ?? '5m');
    this.#options = options;
    this.name = options.name ?? 'shutdown';
  }

  async run(state: State, ctx: StepContext): Promise<StepResult> {
    const ui = state.require(keys.ui);
    const { forceStop } = this.#options;
    if (this.#command === '' && forceStop) {
      await ui.say('Halting the virtual machine...');
      await forceStop(state, ctx.signal);
      return 'continue';
    }
    if (this.#command !== '') {
      await ui.say('Gracefully halting virtual machine...');
      const communicator = state.require(keys.communicator);
      const started = await communicator.start({ command: this.#command }, { signal: ctx.signal });
      void started.exited.then(
        async (status) => {
          if (status !== 0 && status !== EXIT_STATUS_DISCONNECTED) {
            await ui.message(`Shutdown command exited with status ${status}`);
          }
        },
        () => undefined, // the connection going away is the expected end here
      );
    }
    const limit = formatDurationMs(this.#timeoutMs);
    await ui.say(`Waiting max ${limit} for shutdown to complete`);
    try {
      await waitFor((signal) => this.#options.isStopped(state, signal), {
        intervalMs: this.#options.pollIntervalMs ?? 1000,
        timeoutMs: this.#timeoutMs,
        what: 'the machine to shut down',
        signal: ctx.signal,
        clock: this.#options.clock ?? systemClock,
      });
      await ui.say('Machine shut down.');
      return 'continue';
    } catch (err) {
      if (!isSdkError(err, 'PKR_ERR_WAIT_TIMEOUT')) throw err;
      if (!forceStop) {
        throw new SdkError(
          'PKR_ERR_SHUTDOWN_TIMEOUT',
          `Timeout while waiting for machine to shut down (shutdown_timeout ${limit})`,
          { cause: err, details: { timeoutMs: this.#timeoutMs } },
        );
      }
      await ui.error(`Timeout while waiting for machine to shut down after ${limit}; forcing it off`);
      try {
        await forceStop(state, ctx.signal);
      } catch (forceErr) {
        throw new SdkError(
          'PKR_ERR_SHUTDOWN_TIMEOUT',
          `the machine did not shut down within ${limit}, and forcing it off failed: ${describeError(forceErr)}`,
          { cause: forceErr },
        );
      }
      return 'continue';
    }
  }
}

/** The shutdown step for a builder's config. */
export function stepShutdown(config: Partial<ShutdownConfig>, options: StepShutdownOptions): StepShutdown {
  return new StepShutdown(config, options);
}
