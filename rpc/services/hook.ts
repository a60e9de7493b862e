import type { Communicator } from '../../communicators/communicator.js';
import type { GeneratedData, Hook } from '../../packer/hook.js';
import type { Ui } from '../../packer/ui.js';
import type { RpcClient } from '../netrpc/index.js';
import { registerCommunicatorServer } from './communicator.js';
import { announceServer, type ServiceContext } from './context.js';
import { wireGeneratedData } from './generated-data.js';
import { registerUiServer } from './ui.js';

/**
 * Core's Hook, as a builder calls it (protocol §4.2): before `Hook.Run` the builder
 * announces a stream on which it serves its Communicator and a Ui; core's provisioners then
 * run through them. Cancelling `signal` sends `Hook.Cancel`.
 */
export class HookClient implements Hook {
  constructor(
    private readonly client: RpcClient,
    private readonly ctx: ServiceContext,
  ) {}

  async run(
    name: string,
    ui: Ui,
    communicator: Communicator | undefined,
    data: GeneratedData,
    signal?: AbortSignal,
  ): Promise<void> {
    // Core builds its communicator client from this stream whatever we have, so always serve one.
    const { id } = announceServer(this.ctx, (server) => {
      registerCommunicatorServer(server, communicator, this.ctx);
      registerUiServer(server, ui, this.ctx.log);
    });
    const onAbort = (): void => {
      this.client
        .call('Hook.Cancel', null)
        .catch((err: unknown) => this.ctx.log('debug', 'Hook.Cancel failed', { error: String(err) }));
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      // After Hook.Cancel core never answers Hook.Run (see the Ctrl-C trace): stop waiting at
      // once instead, or the build could not clean up before core kills the plugin.
      await this.client.call(
        'Hook.Run',
        { Name: name, Data: wireGeneratedData(data), StreamId: id },
        signal ? { signal } : {},
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
