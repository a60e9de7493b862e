import type { Datasource } from '../../packer/components.js';
import { asArray, asStruct, type RpcServer } from '../netrpc/index.js';
import { CancelScope } from './cancel-scope.js';
import { configSpecReply, encodeOutputSpec, encodeOutputValue } from './config-spec.js';
import type { ServiceContext } from './context.js';

/**
 * Serves a data source as the `Datasource` service (Packer ≥ 1.7, protocol §4.1, §6.2).
 * Like the Go SDK, Configure and Execute report a failure both in the body and at RPC level.
 */
export function registerDatasourceServer(
  server: RpcServer,
  datasource: Datasource,
  ctx: ServiceContext,
): void {
  const cancel = new CancelScope();
  server.register('Datasource', {
    ConfigSpec: async () => configSpecReply(datasource.configSchema, ctx),
    OutputSpec: async () => ({ OutputSpec: await encodeOutputSpec(datasource.outputSchema, ctx) }),
    Configure: async (args) => {
      await datasource.configure(asArray(asStruct(args, 'Datasource.Configure').Configs, 'Configs'));
      return { Error: null };
    },
    Execute: async (_args, call) => {
      const signal = cancel.begin(call.signal);
      try {
        const output = await datasource.execute(signal);
        return { Value: await encodeOutputValue(datasource.outputSchema, output, ctx), Error: null };
      } finally {
        cancel.end(signal);
      }
    },
    Cancel: async () => {
      cancel.cancelAll('Datasource.Cancel');
      return null;
    },
  });
}
