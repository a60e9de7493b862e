import type { Communicator } from '../communicators/communicator.js';
import type { GeneratedData, Hook } from '../packer/hook.js';
import type { Ui } from '../packer/ui.js';

export interface HookCall {
  readonly name: string;
  readonly communicator: Communicator | undefined;
  readonly data: GeneratedData;
}

/**
 * A Hook that records each call; `onRun` stands in for core's provisioners (e.g. run a
 * command through the communicator it was given, or throw to fail provisioning).
 */
export class MockHook implements Hook {
  readonly calls: HookCall[] = [];

  constructor(
    private readonly onRun?: (
      call: HookCall,
      ui: Ui,
      signal: AbortSignal | undefined,
    ) => Promise<void> | void,
  ) {}

  async run(
    name: string,
    ui: Ui,
    communicator: Communicator | undefined,
    data: GeneratedData,
    signal?: AbortSignal,
  ): Promise<void> {
    const call = { name, communicator, data };
    this.calls.push(call);
    await this.onRun?.(call, ui, signal);
  }
}
