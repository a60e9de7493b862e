/**
 * One server adapter and one client proxy per Packer interface (protocol §4).
 * @packageDocumentation
 */
import type { ComponentKind } from '../plugin/constants.js';
import type { ComponentsByKind } from '../../packer/components.js';
import type { RpcServer } from '../netrpc/index.js';
import { registerBuilderServer } from './builder.js';
import type { ServiceContext } from './context.js';
import { registerDatasourceServer } from './datasource.js';
import { registerPostProcessorServer } from './post-processor.js';
import { registerProvisionerServer } from './provisioner.js';

export { ArtifactClient, registerArtifactServer } from './artifact.js';
export {
  CommunicatorClient,
  registerCommunicatorServer,
  EXIT_STATUS_BROKEN_RESPONSE,
} from './communicator.js';
export { HookClient } from './hook.js';
export { UiClient, registerUiServer } from './ui.js';
export {
  announceServer,
  announceStream,
  dialClient,
  rpcLog,
  type ServiceContext,
  type ServiceLog,
} from './context.js';
export {
  registerBuilderServer,
  registerProvisionerServer,
  registerPostProcessorServer,
  registerDatasourceServer,
};

/** Registers the component core asked for as its service on `server` (broker id 0). */
export function registerComponentServer<K extends ComponentKind>(
  kind: K,
  component: ComponentsByKind[K],
  server: RpcServer,
  ctx: ServiceContext,
): void {
  switch (kind) {
    case 'builder':
      registerBuilderServer(server, component as ComponentsByKind['builder'], ctx);
      break;
    case 'provisioner':
      registerProvisionerServer(server, component as ComponentsByKind['provisioner'], ctx);
      break;
    case 'post-processor':
      registerPostProcessorServer(server, component as ComponentsByKind['post-processor'], ctx);
      break;
    case 'datasource':
      registerDatasourceServer(server, component as ComponentsByKind['datasource'], ctx);
      break;
  }
}
