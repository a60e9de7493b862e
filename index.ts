/**
 * packer-plugin-sdk: write HashiCorp Packer plugins in TypeScript.
 *
 * The root entry carries the everyday surface: the engine, coded errors and the domain
 * interfaces. Wire-level pieces live under their own subpaths.
 * @packageDocumentation
 */
export * from './engine/index.js';
export {
  SdkError,
  isSdkError,
  describeError,
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
export {
  EXIT_STATUS_DISCONNECTED,
  type Communicator,
  type CommunicatorCallOptions,
  type FileInfo,
  type RemoteCommand,
  type StartedCommand,
} from './communicators/communicator.js';
