/**
 * Acceptance tests for plugins under real Packer, for mocha: build the plugin with the
 * packaging CLI, install it into a temporary PACKER_PLUGIN_PATH, run `packer build` with
 * `-machine-readable`, read artifacts, Ui lines and errors, clean up. Gated by PACKER_ACC like
 * the Go SDK's acctest.
 * @packageDocumentation
 */
export {
  acceptance,
  type AcceptanceOptions,
  type AcceptanceSuite,
  type PluginTestCase,
  type RunOptions,
  type HookContext,
  type SuiteLike,
} from './acceptance.js';
export { ACC_ENV, accSkipReason, packerSkipReason, hasCommand } from './gate.js';
export { installPlugin, type InstallLayout, type InstallOptions, type InstalledPlugin } from './install.js';
export { runPacker, type PackerRun, type RunPackerOptions } from './run-packer.js';
export {
  parseMachineReadable,
  parseMachineLine,
  decodeMachineField,
  type MachineReadable,
  type MachineLine,
  type UiLine,
  type ArtifactLine,
  type BuildError,
} from './machine-readable.js';
export { buildPlugin, type BuildOptions } from '../cli/build.js';
export type { BuiltPlugin, BuiltKind } from '../cli/built-plugin.js';
