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
