// Stands in for rpc/plugin/serve.ts when the CLI loads a plugin's entry to read its components
// (`docs`, and `build` when it needs the plugin's name): the bundler swaps this module in, so
// the entry's `await serve(set)` hands the set over instead of serving Packer.
import type { PluginSet } from '../rpc/plugin/plugin-set.js';
import type { ServeOptions } from '../rpc/plugin/serve.js';

/** Where collected sets go: an array the CLI puts on globalThis right before the import. */
export const COLLECT_KEY = Symbol.for('packer-plugin-sdk.cli.collect');

/** Records the set for the CLI; never listens, never prints a handshake. */
export async function serve(set: PluginSet, _options?: ServeOptions): Promise<void> {
  const slot = (globalThis as Record<symbol, unknown>)[COLLECT_KEY];
  if (Array.isArray(slot)) slot.push(set);
}
