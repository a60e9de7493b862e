/**
 * The stock step library: reusable steps builders compose (connect, provision, …).
 * @packageDocumentation
 */
export { StepConnect, type StepConnectOptions, type CommunicatorFactory } from './step-connect.js';
export {
  StepProvision,
  stepProvision,
  provisionHookData,
  type ProvisionConnection,
  type StepProvisionOptions,
} from './step-provision.js';
export {
  bootCommandConfigProperties,
  BootCommandConfigSchema,
  resolveBootTiming,
  validateBootCommand,
  type BootCommandConfig,
  type BootTiming,
} from './boot-command-config.js';
export {
  parseBootCommand,
  scanBootCommand,
  type BootAction,
  type BootCommandProblem,
  type ParseBootCommandOptions,
} from './boot-command-parse.js';
export { SPECIAL_KEYS, needsShift, type BootKey, type SpecialKeyName } from './boot-command-keys.js';
export {
  stepTypeBootCommand,
  typeBootCommand,
  renderBootCommand,
  type BootDriver,
  type BootDriverFactory,
  type StepTypeBootCommandOptions,
} from './boot-command.js';
export { connectRfb, type RfbClient, type RfbConnectOptions } from './vnc/rfb-client.js';
export { createVncDriver, VncBootDriver } from './vnc/vnc-driver.js';
export {
  shellProvisionerProperties,
  ShellProvisionerSchema,
  validateShellConfig,
  type ShellProvisionerConfig,
} from './shell-config.js';
export { runShellProvisioner, stepShellProvision, shellProvisioner } from './shell-provision.js';
export {
  shellLocalProperties,
  ShellLocalSchema,
  validateShellLocalConfig,
  runShellLocal,
  stepShellLocal,
  shellLocalProvisioner,
} from './shell-local.js';
export {
  stepHttpServer,
  StepHttpServer,
  httpConfig,
  validateHttpConfig,
  type HttpConfig,
  type StepHttpServerOptions,
} from './step-http-server.js';
export {
  stepOutputDir,
  StepOutputDir,
  outputDirConfig,
  defaultOutputDirectory,
  type OutputDirConfig,
  type StepOutputDirOptions,
} from './step-output-dir.js';
export {
  stepDownload,
  StepDownload,
  isoConfig,
  validateIsoConfig,
  sourceImageUrlKey,
  type IsoConfig,
  type StepDownloadOptions,
} from './step-download.js';
export {
  stepCreateFloppy,
  StepCreateFloppy,
  floppyConfig,
  type FloppyConfig,
  type StepCreateFloppyOptions,
} from './step-create-floppy.js';
export {
  stepCreateCd,
  StepCreateCd,
  cdConfig,
  type CdConfig,
  type StepCreateCdOptions,
} from './step-create-cd.js';
export {
  stepShutdown,
  StepShutdown,
  shutdownConfig,
  type ShutdownConfig,
  type StepShutdownOptions,
} from './step-shutdown.js';
export {
  waitFor,
  stepWaitFor,
  StepWaitFor,
  type WaitForOptions,
  type StepWaitForOptions,
} from './step-wait-for.js';
export { stepPause, StepPause, type StepPauseOptions } from './step-pause.js';
export { pauseForDebug, askOrCancel, type PauseForDebugOptions } from './step-debug-pause.js';
export {
  stepTempSshKey,
  StepTempSshKey,
  sshPrivateKeyFileKey,
  type TempSshKeyConfig,
  type StepTempSshKeyOptions,
} from './step-temp-ssh-key.js';
