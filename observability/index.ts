/**
 * Observability: the plugin process's logger (winston, PACKER_LOG levels, stderr only), the
 * opt-in build-control gRPC service (PACKER_SDK_CONTROL), and the `graph` and `watch`
 * commands. Not a package subpath: the plugin session loads what it needs lazily, and the
 * packaging CLI calls the command entry points below.
 * @packageDocumentation
 */
export { runGraphCommand, type GraphIo } from './cli-graph.js';
export { runWatchCommand, type WatchIo } from './cli-watch.js';
export { pluginStepGraph, type PluginGraphOptions } from './plugin-graph.js';
export {
  connectBuildControl,
  BuildControlClient,
  type ControlClientOptions,
  type WatchHandle,
} from './control-client.js';
export type { Breakpoints } from './breakpoints.js';
export type {
  BuildEventMessage,
  StepGraphMessage,
  EngineEventMessage,
  UiLineMessage,
  ProgressMessage,
  ControlStateMessage,
  BreakpointsMessage,
  StateSnapshotMessage,
  StateEntryMessage,
  ControlReplyMessage,
} from './control-messages.js';
