/**
 * packer-plugin-sdk: write HashiCorp Packer plugins in TypeScript.
 *
 * The root entry carries the everyday surface: the engine, components from a schema and
 * steps, config helpers, coded errors and the domain interfaces. A plugin's executable entry
 * should import `packer-plugin-sdk/plugin` instead and load its components lazily, so Packer
 * gets the handshake line as fast as Node starts.
 * @packageDocumentation
 */
export * from './engine/index.js';
export * from './components/index.js';
export {
  stepProvision,
  StepProvision,
  provisionHookData,
  type ProvisionConnection,
  type StepProvisionOptions,
} from './steps/step-provision.js';
export {
  PluginSet,
  serve,
  DEFAULT_NAME,
  type ComponentFactory,
  type PluginSetOptions,
  type ServeOptions,
} from './rpc/plugin/index.js';
export {
  Type,
  type Static,
  Duration,
  Deferred,
  Sensitive,
  type ConfigProblem,
  type PackerCommon,
} from './config/index.js';
export {
  SdkError,
  isSdkError,
  describeError,
  asError,
  errorCodes,
  type ErrorCode,
  type SdkErrorOptions,
} from './errors/index.js';
export type { Ui, ProgressTracker } from './packer/ui.js';
export {
  HOOK_PROVISION,
  HOOK_CLEANUP_PROVISION,
  type Hook,
  type GeneratedData,
  type GeneratedValue,
} from './packer/hook.js';
export { createArtifact, isArtifact, type Artifact, type ArtifactData } from './packer/artifact.js';
export type {
  Builder,
  Provisioner,
  PostProcessor,
  Datasource,
  BuilderPrepareResult,
  PostProcessResult,
} from './packer/components.js';
export {
  EXIT_STATUS_DISCONNECTED,
  type Communicator,
  type CommunicatorCallOptions,
  type FileInfo,
  type RemoteCommand,
  type StartedCommand,
} from './communicators/communicator.js';
