import type { Provisioner } from '../../packer/components.js';
import { asArray, asStruct, asUint32, type RpcServer } from '../netrpc/index.js';
import { CancelScope } from './cancel-scope.js';
import { CommunicatorClient } from './communicator.js';
import { configSpecReply } from './config-spec.js';
import { dialClient, type ServiceContext } from './context.js';
import { readGeneratedData } from './generated-data.js';
import { UiClient } from './ui.js';

/**
 * Serves a provisioner as the `Provisioner` service (protocol §4.1). In HCL2 core calls
 * ConfigSpec and Prepare again right before Provision, with `build.*` resolved.
 */
export function registerProvisionerServer(
  server: RpcServer,
  provisioner: Provisioner,
  ctx: ServiceContext,
): void {
  const cancel = new CancelScope();
  server.register('Provisioner', {
    ConfigSpec: async () => configSpecReply(provisioner.configSchema, ctx),
    // Failure is an RPC-level error: the reply type is interface{} (§3.4).
    Prepare: async (args) => {
      await provisioner.prepare(asArray(asStruct(args, 'Provisioner.Prepare').Configs, 'Configs'));
      return null;
    },
    Provision: async (args, call) => {
      const a = asStruct(args, 'Provisioner.Provision');
      // Note the capitalisation: StreamID here, StreamId elsewhere.
      const id = asUint32(a.StreamID, 'StreamID');
      const signal = cancel.begin(call.signal);
      try {
        const client = await dialClient(ctx, id, signal);
        await provisioner.provision(
          new UiClient(client),
          new CommunicatorClient(client, ctx),
          readGeneratedData(a.GeneratedData),
          signal,
        );
        return null;
      } finally {
        cancel.end(signal);
      }
    },
    Cancel: async () => {
      cancel.cancelAll('Provisioner.Cancel');
      return null;
    },
  });
}
