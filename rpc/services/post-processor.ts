import type { PostProcessor } from '../../packer/components.js';
import { asArray, asStruct, asUint32, type RpcServer } from '../netrpc/index.js';
import { ArtifactClient, registerArtifactServer } from './artifact.js';
import { basicError } from './basic-error.js';
import { CancelScope } from './cancel-scope.js';
import { configSpecReply } from './config-spec.js';
import { announceServer, dialClient, type ServiceContext } from './context.js';
import { UiClient } from './ui.js';

/**
 * Serves a post-processor as the `PostProcessor` service (protocol §4.1). The result
 * artifact is served on a fresh id; when it is the input artifact itself, serving the
 * client proxy forwards every call to core's copy, as the Go SDK does.
 */
export function registerPostProcessorServer(
  server: RpcServer,
  postProcessor: PostProcessor,
  ctx: ServiceContext,
): void {
  const cancel = new CancelScope();
  server.register('PostProcessor', {
    ConfigSpec: async () => configSpecReply(postProcessor.configSchema, ctx),
    Configure: async (args) => {
      await postProcessor.configure(asArray(asStruct(args, 'PostProcessor.Configure').Configs, 'Configs'));
      return null;
    },
    PostProcess: async (args, call) => {
      const id = asUint32(args, 'PostProcessor.PostProcess');
      const signal = cancel.begin(call.signal);
      try {
        const client = await dialClient(ctx, id, signal);
        try {
          const result = await postProcessor.postProcess(
            new UiClient(client),
            new ArtifactClient(client),
            signal,
          );
          const served = result.artifact
            ? announceServer(ctx, (s) => registerArtifactServer(s, result.artifact!)).id
            : 0;
          return { Err: null, Keep: result.keep, ForceOverride: result.forceOverride, StreamId: served };
        } catch (err) {
          client.close();
          return { Err: basicError(err), Keep: false, ForceOverride: false, StreamId: 0 };
        }
      } finally {
        cancel.end(signal);
      }
    },
    Cancel: async () => {
      cancel.cancelAll('PostProcessor.Cancel');
      return null;
    },
  });
}
