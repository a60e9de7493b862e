import { chmodSync, copyFileSync, cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CommandSpec } from './args.js';
import { readBuiltPlugin, type BuiltPlugin } from './built-plugin.js';
import { describePlugin, type PluginDescription } from './describe-plugin.js';
import { launcherScript, writeExecutable } from './launcher.js';
import { templateTypeName } from './render-docs.js';

export interface LegacyInstallOptions {
  /** The built plugin (`packer-plugin-NAME` from `build`, or a release artifact). */
  readonly plugin: string;
  /** The directory Packer ≤ 1.6 searches (`~/.packer.d/plugins`, PACKER_PLUGIN_PATH, …). */
  readonly dir: string;
  readonly name?: string;
  /** Install the multi-component `packer-plugin-NAME`. Default true. */
  readonly multi?: boolean;
  /** Install one `packer-builder-NAME-X` (…) file per component. Default true. */
  readonly singles?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export interface LegacyInstallResult {
  /** Every file Packer will discover, absolute paths. */
  readonly files: readonly string[];
  /** Components Packer ≤ 1.6 cannot use (data sources), as `kind NAME`. */
  readonly skipped: readonly string[];
  readonly description: PluginDescription;
}

export const installLegacyCommand: CommandSpec = {
  name: 'install-legacy',
  brief: 'install packer-plugin-NAME and packer-builder-NAME-X files for Packer ≤ 1.6',
  summary:
    'Lay out a built plugin for Packer ≤ 1.6: packer-plugin-NAME plus one packer-builder-/packer-provisioner-/packer-post-processor-NAME-COMPONENT file per component (launchers, or symlinks to an executable).',
  positionals: ['plugin'],
  flags: {
    dir: { type: 'string', value: 'DIR', help: 'plugin directory (required), e.g. ~/.packer.d/plugins' },
    name: { type: 'string', value: 'NAME', help: 'plugin name (default: from the built file)' },
    'no-multi': { type: 'boolean', help: 'skip the multi-component packer-plugin-NAME' },
    'no-singles': { type: 'boolean', help: 'skip the single-component files' },
  },
};

/**
 * Installs for Packer 1.6's discovery (protocol §1.4): it runs `packer-plugin-NAME describe`
 * and registers `NAME-COMPONENT`, and starts `packer-builder-NAME-COMPONENT` files with no
 * arguments, which rpc/plugin maps back to the component from the file's name. Launcher builds
 * get their bundle copied next to the files; executables and single files are copied once and
 * the single-component names are symlinks to it (the invoked name survives a symlink).
 */
export async function installLegacy(options: LegacyInstallOptions): Promise<LegacyInstallResult> {
  const built = readBuiltPlugin(options.plugin, options.name);
  const description = await describePlugin(built.path, { env: options.env ?? process.env });
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const multi = options.multi ?? true;
  const singles = options.singles ?? true;

  const singleNames: string[] = [];
  if (singles) {
    const add = (prefix: string, names: readonly string[]): void => {
      for (const n of names) singleNames.push(`packer-${prefix}-${templateTypeName(built.name, n)}`);
    };
    add('builder', description.builders);
    add('provisioner', description.provisioners);
    add('post-processor', description.post_processors);
  }
  const multiName = `packer-plugin-${built.name}`;
  const files = [...(multi ? [multiName] : []), ...singleNames];
  for (const file of files) rmSync(join(dir, file), { force: true });

  if (built.kind === 'launcher') placeLaunchers(built, dir, files);
  else {
    // Without the multi-component file, the copy gets a name no discovery glob matches.
    const target = multi ? multiName : `${built.name}.plugin`;
    rmSync(join(dir, target), { force: true });
    copyFileSync(built.path, join(dir, target));
    chmodSync(join(dir, target), 0o755);
    for (const file of files) if (file !== target) symlinkSync(target, join(dir, file));
  }
  return {
    files: files.map((f) => join(dir, f)),
    skipped: description.datasources.map((n) => `datasource ${n}`),
    description,
  };
}

function placeLaunchers(built: BuiltPlugin, dir: string, files: readonly string[]): void {
  const bundle = `${built.name}.bundle`;
  rmSync(join(dir, bundle), { recursive: true, force: true });
  cpSync(built.bundleDir!, join(dir, bundle), { recursive: true });
  const script = launcherScript({ name: built.name, bundle, entry: built.entry! });
  for (const file of files) writeExecutable(join(dir, file), script);
}
