/**
 * The plugin executable's entry: declare components and serve Packer. Deliberately light —
 * nothing here loads the engine, the RPC stack or config validation — so a plugin whose
 * component factories use `import()` prints its handshake about as fast as Node starts.
 * @packageDocumentation
 */
export { PluginSet, type ComponentFactory, type PluginSetOptions } from './plugin-set.js';
export { serve, type ServeOptions } from './serve.js';
export { DEFAULT_NAME, API_VERSION, SDK_VERSION, type ComponentKind } from './constants.js';
export type { Description } from './describe.js';
