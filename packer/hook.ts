import type { Communicator } from '../communicators/communicator.js';
import type { Ui } from './ui.js';

/** Hook names core understands (Packer's `HookProvision` and `HookCleanupProvision`). */
export const HOOK_PROVISION = 'packer_provision';
export const HOOK_CLEANUP_PROVISION = 'packer_cleanup_provision';

/** A value Packer 1.6.6 accepts in generated data (`build.*`): string, int64, uint64, bool. */
export type GeneratedValue = string | number | bigint | boolean;
export type GeneratedData = Readonly<Record<string, GeneratedValue>>;

/**
 * Core's hook: a builder calls it to let the template's provisioners run through its
 * communicator. Over RPC this is `Hook.Run`; cancelling `signal` sends `Hook.Cancel`.
 */
export interface Hook {
  run(
    name: string,
    ui: Ui,
    communicator: Communicator | undefined,
    data: GeneratedData,
    signal?: AbortSignal,
  ): Promise<void>;
}
