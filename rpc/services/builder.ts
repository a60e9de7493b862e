import type { Builder } from '../../packer/components.js';
import { asArray, asStruct, asUint32, type RpcServer } from '../netrpc/index.js';
import { registerArtifactServer } from './artifact.js';
import { CancelScope } from './cancel-scope.js';
import { configSpecReply } from './config-spec.js';
import { announceServer, dialClient, type ServiceContext } from './context.js';
import { basicError } from './basic-error.js';
import { HookClient } from './hook.js';
import { UiClient } from './ui.js';

/**
 * Serves a builder as the `Builder` service on broker id 0 (protocol §4.1). `Run` dials the
 * Ui/Hook service core announced, runs the build, then announces the artifact and replies
 * with its id (0 = none). `Cancel` — or the stream dropping — aborts the running build.
 */
export function registerBuilderServer(server: RpcServer, builder: Builder, ctx: ServiceContext): void {
  const cancel = new CancelScope();
  server.register('Builder', {
    ConfigSpec: async () => configSpecReply(builder.configSchema, ctx),
    Prepare: async (args) => {
      const configs = asArray(asStruct(args, 'Builder.Prepare').Configs, 'Configs');
      try {
        const result = await builder.prepare(configs);
        return {
          GeneratedVars: result.generatedVars.length > 0 ? [...result.generatedVars] : null,
          Warnings: result.warnings.length > 0 ? [...result.warnings] : null,
          Error: null,
        };
      } catch (err) {
        // Prepare reports failure in the body's *BasicError (core reads resp.Error, §3.4).
        return { GeneratedVars: null, Warnings: null, Error: basicError(err) };
      }
    },
    Run: async (args, call) => {
      const id = asUint32(args, 'Builder.Run');
      const signal = cancel.begin(call.signal);
      try {
        const client = await dialClient(ctx, id, signal);
        const artifact = await builder.run(new UiClient(client), new HookClient(client, ctx), signal, {
          ...(ctx.logger ? { log: ctx.logger } : {}),
          ...(ctx.observer ? { observer: ctx.observer } : {}),
        });
        if (!artifact) return 0;
        return announceServer(ctx, (s) => registerArtifactServer(s, artifact)).id;
      } finally {
        cancel.end(signal);
      }
    },
    Cancel: async () => {
      cancel.cancelAll('Builder.Cancel');
      return null;
    },
  });
}
