import type { CommunicatorConfig } from '../communicators/config/schema.js';
import {
  createTemporaryKeyPair,
  generateOpenSshKeyPair,
  type KeyPairType,
  type TemporaryKeyPair,
} from '../communicators/ssh/key-pair.js';
import { keys } from '../engine/keys.js';
import { stateKey, type State, type StateKey } from '../engine/state.js';
import type { CleanupContext, Step, StepContext, StepResult } from '../engine/step.js';

/** The temporary private key's file, when the step wrote one (Packer's `ssh_private_key_file` of the build). */
export const sshPrivateKeyFileKey: StateKey<string> = stateKey<string>('ssh_private_key_file');

/** The communicator fields this step reads (they live in `communicatorConfigProperties`). */
export type TempSshKeyConfig = Partial<
  Pick<CommunicatorConfig, 'temporary_key_pair_type' | 'temporary_key_pair_bits' | 'temporary_key_pair_name'>
>;

export interface StepTempSshKeyOptions {
  /** Step name; default "temp-ssh-key". */
  readonly name?: string;
  /**
   * Also write the private key to a file (mode 0600, in a fresh 0700 temp directory) and put
   * its path under {@link sshPrivateKeyFileKey}, for tools that want a file (e.g. a VM
   * builder's `-debug` hint, or an external ssh).
   */
  readonly writePrivateKeyFile?: boolean;
}

/**
 * Generates a temporary SSH key pair for the build (Packer's `temporary_key_pair_type`, `_bits`,
 * `_name`) and puts it in `keys.sshPrivateKey` / `keys.sshPublicKey`, where StepConnect offers
 * the private key and builders install the public one (cloud-init, an authorized_keys upload).
 * Cleanup deletes the key file, if any, and drops the private key from the state.
 */
export class StepTempSshKey implements Step {
  readonly name: string;
  readonly #config: TempSshKeyConfig;
  readonly #options: StepTempSshKeyOptions;
  #pair: TemporaryKeyPair | undefined;

  constructor(config: TempSshKeyConfig = {}, options: StepTempSshKeyOptions = {}) {
    this.#config = config;
    this.#options = options;
    this.name = options.name ?? 'temp-ssh-key';
  }

  async run(state: State, _ctx: StepContext): Promise<StepResult> {
    const type: KeyPairType = this.#config.temporary_key_pair_type ?? 'rsa';
    const request = {
      type,
      ...(this.#config.temporary_key_pair_bits ? { bits: this.#config.temporary_key_pair_bits } : {}),
      ...(this.#config.temporary_key_pair_name ? { comment: this.#config.temporary_key_pair_name } : {}),
    };
    await state.require(keys.ui).say(`Creating temporary ${type.toUpperCase()} SSH key for instance...`);
    if (this.#options.writePrivateKeyFile) {
      const pair = await createTemporaryKeyPair(request);
      this.#pair = pair;
      state.put(sshPrivateKeyFileKey, pair.privateKeyPath);
      this.#publish(state, pair.privateKey, pair.publicKey);
    } else {
      const pair = await generateOpenSshKeyPair(request);
      this.#publish(state, pair.privateKey, pair.publicKey);
    }
    return 'continue';
  }

  async cleanup(state: State, _ctx: CleanupContext): Promise<void> {
    const pair = this.#pair;
    this.#pair = undefined;
    if (pair) {
      await pair.dispose();
      if (state.get(sshPrivateKeyFileKey) === pair.privateKeyPath) state.delete(sshPrivateKeyFileKey);
    }
    state.delete(keys.sshPrivateKey);
  }

  #publish(state: State, privateKey: string, publicKey: string): void {
    state.put(keys.sshPrivateKey, privateKey);
    state.put(keys.sshPublicKey, publicKey);
  }
}

/** The temporary-key step for a builder's communicator config. */
export function stepTempSshKey(
  config: TempSshKeyConfig = {},
  options: StepTempSshKeyOptions = {},
): StepTempSshKey {
  return new StepTempSshKey(config, options);
}
