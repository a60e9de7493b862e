import type { Communicator } from '../../communicators/communicator.js';
import type { GeneratedData } from '../../packer/hook.js';
import type { Ui } from '../../packer/ui.js';
import { asString, asStruct, asUint32, type RpcServer } from '../netrpc/index.js';
import { CommunicatorClient } from '../services/communicator.js';
import { dialClient, type ServiceContext } from '../services/context.js';
import { readGeneratedData } from '../services/generated-data.js';
import { UiClient } from '../services/ui.js';

/** What core does when a builder calls `Hook.Run`: normally, run the template's provisioners. */
export type HookHandler = (call: {
  name: string;
  data: GeneratedData;
  /** The builder's communicator, reached over the stream it announced. */
  communicator: Communicator;
  /** The builder's Ui proxy on that stream. */
  ui: Ui;
  signal: AbortSignal;
}) => Promise<void>;

/** Serves core's `Hook` service to a builder (protocol §4.2), as the TypeScript core side. */
export function registerHookServer(server: RpcServer, ctx: ServiceContext, handler: HookHandler): void {
  const running = new Set<AbortController>();
  server.register('Hook', {
    Run: async (args) => {
      const a = asStruct(args, 'Hook.Run');
      const client = await dialClient(ctx, asUint32(a.StreamId, 'StreamId'));
      const controller = new AbortController();
      running.add(controller);
      try {
        await handler({
          name: asString(a.Name, 'Name'),
          data: readGeneratedData(a.Data),
          communicator: new CommunicatorClient(client, ctx),
          ui: new UiClient(client),
          signal: controller.signal,
        });
        return null;
      } finally {
        running.delete(controller);
      }
    },
    Cancel: async () => {
      for (const c of running) c.abort(new Error('Hook.Cancel'));
      return null;
    },
  });
}
