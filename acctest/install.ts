import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BuiltPlugin } from '../cli/built-plugin.js';
import { installLegacy } from '../cli/install-legacy.js';
import { releasePlugin } from '../cli/release.js';
import { describePlugin } from '../cli/describe-plugin.js';

/**
 * How the plugin is laid out in the plugin directory:
 * - `multi`: `packer-plugin-NAME` (Packer ≤ 1.6 runs `describe` and registers `NAME-COMPONENT`);
 * - `legacy`: one `packer-builder-NAME-COMPONENT` (…) file per component, Packer ≤ 1.6's
 *   single-component binaries;
 * - `versioned`: `SOURCE/packer-plugin-NAME_vX.Y.Z_x5.0_OS_ARCH` plus `_SHA256SUM`, the layout
 *   `packer plugins install` makes for Packer ≥ 1.7.
 */
export type InstallLayout = 'multi' | 'legacy' | 'versioned';

export interface InstallOptions {
  readonly layout: InstallLayout;
  /** The plugin directory to fill (PACKER_PLUGIN_PATH). */
  readonly dir: string;
  /** `versioned` only: the plugin's source address. Default `github.com/example/NAME`. */
  readonly source?: string;
  /** Environment for running the plugin's `describe` (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface InstalledPlugin {
  /** What to set PACKER_PLUGIN_PATH to. */
  readonly pluginPath: string;
  /** The files Packer discovers. */
  readonly files: readonly string[];
}

/** Installs a built plugin into a plugin directory in one of Packer's layouts. */
export async function installPlugin(built: BuiltPlugin, options: InstallOptions): Promise<InstalledPlugin> {
  const dir = resolve(options.dir);
  const env = options.env === undefined ? {} : { env: options.env };
  mkdirSync(dir, { recursive: true });
  if (options.layout === 'versioned') {
    const { version } = await describePlugin(built.path, env);
    const out = join(dir, ...(options.source ?? `github.com/example/${built.name}`).split('/'));
    const release = await releasePlugin({ plugin: built.path, name: built.name, version, out, ...env });
    return { pluginPath: dir, files: [release.artifact, release.checksum] };
  }
  const result = await installLegacy({
    plugin: built.path,
    name: built.name,
    dir,
    multi: options.layout === 'multi',
    singles: options.layout === 'legacy',
    ...env,
  });
  return { pluginPath: dir, files: result.files };
}
