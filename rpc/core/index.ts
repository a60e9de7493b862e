/**
 * The TypeScript "core side": start a plugin executable and drive its components over a real
 * socket exactly as Packer does, for fast loopback tests of plugins.
 * @packageDocumentation
 */
export { startPlugin, type PluginConnection, type StartPluginOptions } from './plugin-process.js';
export { parseHandshakeLine, type ParsedHandshake } from './handshake-line.js';
export { registerHookServer, type HookHandler } from './hook-server.js';
export {
  componentClient,
  CoreBuilderClient,
  CoreProvisionerClient,
  CorePostProcessorClient,
  CoreDatasourceClient,
  type PrepareReply,
  type PostProcessReply,
} from './component-clients.js';
