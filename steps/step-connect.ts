import {
  isSshConfig,
  type ResolvedCommunicatorConfig,
  type ResolvedSshConfig,
} from '../communicators/config/resolve.js';
import type { Communicator } from '../communicators/communicator.js';
import { NoneCommunicator } from '../communicators/none/none-communicator.js';
import { clearAuthorizedKeys } from '../communicators/ssh/clear-authorized-keys.js';
import { connectSsh } from '../communicators/ssh/connect.js';
import type { PrivateKeySource } from '../communicators/ssh/options.js';
import { formatDurationMs } from '../config/duration.js';
import { abortReason, systemClock, type Clock } from '../engine/clock.js';
import { keys } from '../engine/keys.js';
import type { State } from '../engine/state.js';
import type { CleanupContext, Step, StepContext, StepResult } from '../engine/step.js';
import { describeError, SdkError } from '../errors/index.js';
import type { Ui } from '../packer/ui.js';

/** Makes the communicator of a builder-specific type (`local`, `chroot`, `docker`, …). */
export type CommunicatorFactory = (state: State, signal: AbortSignal) => Communicator | Promise<Communicator>;

export interface StepConnectOptions {
  /** The resolved communicator block (`resolveCommunicatorConfig`). */
  config: ResolvedCommunicatorConfig;
  /**
   * The host to reach when `ssh_host` is empty. Default: the state's `keys.host`, which a
   * builder that created a machine puts there.
   */
  host?: (state: State) => string | undefined | Promise<string | undefined>;
  /** The port, when the builder knows better than `ssh_port` (e.g. a forwarded port). */
  port?: (state: State) => number | undefined | Promise<number | undefined>;
  /** Communicators for the builder's own types, keyed by the `communicator` value. */
  custom?: Readonly<Record<string, CommunicatorFactory>>;
  /** Time source for `pause_before_connecting` and SSH retries (specs pass a manual clock). */
  clock?: Clock;
  /** Step name; default "connect". */
  name?: string;
}

/**
 * Connects to the machine and puts the communicator in the state bag (`keys.communicator`)
 * for the provisioning steps; closes it on cleanup.
 *
 * - `none`: a communicator that refuses everything; `ssh`: waits for SSH with retries until
 *   `ssh_timeout` (progress on the Ui: "Waiting for SSH to become available...",
 *   "Connected to SSH!"); other types: the builder's factory from `custom`.
 * - `pause_before_connecting`: once connected, disconnects, pauses, and connects again.
 * - Without a configured host-key check it says so once on the Ui.
 * - A temporary private key in the state (`keys.sshPrivateKey`) is offered too, after the
 *   configured credentials; with `ssh_clear_authorized_keys`, cleanup removes the
 *   matching `keys.sshPublicKey` from the machine's authorized_keys before disconnecting.
 * - Puts the host it reached in `keys.host` when that key is empty.
 * - Cancelling the build (the step's signal) stops waiting at once.
 */
export class StepConnect implements Step {
  readonly name: string;
  readonly #options: StepConnectOptions;
  #communicator: Communicator | undefined;

  constructor(options: StepConnectOptions) {
    this.#options = options;
    this.name = options.name ?? 'connect';
  }

  async run(state: State, ctx: StepContext): Promise<StepResult> {
    const ui = state.require(keys.ui);
    const { config } = this.#options;
    const clock = this.#options.clock ?? systemClock;
    let connect: () => Promise<Communicator>;
    if (isSshConfig(config)) {
      connect = await this.#sshConnector(config, state, ui, ctx.signal, clock);
    } else if (config.type === 'none') {
      this.#put(state, new NoneCommunicator());
      return 'continue';
    } else {
      const factory = this.#options.custom?.[config.type];
      if (!factory) {
        throw new SdkError('PKR_ERR_COMM_UNKNOWN_TYPE', `this builder has no "${config.type}" communicator`, {
          details: { type: config.type },
        });
      }
      await ui.say(`Using ${config.type} communicator to connect`);
      connect = async () => factory(state, ctx.signal);
    }

    let communicator = await connect();
    if (config.pauseBeforeConnectingMs > 0) {
      await communicator.close?.();
      await ui.say(`Pausing ${formatDurationMs(config.pauseBeforeConnectingMs)} before connecting...`);
      await clock.sleep(config.pauseBeforeConnectingMs, ctx.signal);
      communicator = await connect();
    }
    if (isSshConfig(config)) await ui.say('Connected to SSH!');
    this.#put(state, communicator);
    return 'continue';
  }

  async cleanup(state: State, _ctx: CleanupContext): Promise<void> {
    const communicator = this.#communicator;
    if (!communicator) return;
    this.#communicator = undefined;
    const { config } = this.#options;
    const publicKey = state.get(keys.sshPublicKey);
    try {
      if (isSshConfig(config) && config.clearAuthorizedKeys && publicKey) {
        await clearAuthorizedKeys(communicator, publicKey).catch(async (err: unknown) => {
          await state
            .get(keys.ui)
            ?.error(`Could not remove the temporary key from authorized_keys: ${describeError(err)}`);
        });
      }
    } finally {
      await communicator.close?.();
    }
  }

  #put(state: State, communicator: Communicator): void {
    this.#communicator = communicator;
    state.put(keys.communicator, communicator);
  }

  async #sshConnector(
    config: ResolvedSshConfig,
    state: State,
    ui: Ui,
    signal: AbortSignal,
    clock: Clock,
  ): Promise<() => Promise<Communicator>> {
    const host = config.host ?? (await this.#options.host?.(state)) ?? state.get(keys.host);
    if (!host) {
      throw new SdkError(
        'PKR_ERR_OPTION_INVALID',
        "no SSH host: set ssh_host, or have the builder put the machine's address in keys.host",
      );
    }
    const port = (await this.#options.port?.(state)) ?? config.connect.port ?? 22;
    if (!state.has(keys.host)) state.put(keys.host, host);
    await ui.say(`Using SSH communicator to connect: ${host}`);
    if (!config.hostKeyChecked) {
      await ui.say(
        `Warning: the SSH host key of ${host} will not be verified; set ssh_host_key or ssh_known_hosts_file to check it`,
      );
    }
    const temporaryKey = state.get(keys.sshPrivateKey);
    const privateKeys: PrivateKeySource[] = [
      ...(config.connect.auth.privateKeys ?? []),
      ...(temporaryKey ? [{ key: temporaryKey, label: 'temporary key' }] : []),
    ];
    const options = { ...config.connect, host, port, auth: { ...config.connect.auth, privateKeys } };
    return async () => {
      await ui.say('Waiting for SSH to become available...');
      try {
        return await connectSsh(options, { ...config.wait, signal, clock });
      } catch (err) {
        if (signal.aborted) throw abortReason(signal);
        await ui.error(`Error waiting for SSH: ${describeError(err)}`);
        throw err;
      }
    };
  }
}
