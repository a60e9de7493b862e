import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { describeError, isSdkError, SdkError } from '../errors/index.js';
import type { CommandSpec } from './args.js';
import { bundleOrFail } from './bundle-or-fail.js';
import { readBuiltPlugin, type BuiltPlugin } from './built-plugin.js';
import { inspectEntry } from './inspect-entry.js';
import { launcherScript, writeExecutable } from './launcher.js';
import { readBundleDir } from './payload.js';
import { resolvePluginName } from './plugin-name.js';
import { createSea } from './sea.js';

export interface BuildOptions {
  /** The plugin's executable entry (TypeScript or JavaScript). */
  readonly entry: string;
  /** Output directory. Default `dist`. */
  readonly out?: string;
  /** Plugin short name. Default: the PluginSet's name, else package.json's `packer-plugin-NAME`. */
  readonly name?: string;
  /** A Node single executable instead of a launcher and bundle directory. */
  readonly sea?: boolean;
  readonly minify?: boolean;
  /** Source maps next to the bundle (launcher builds). */
  readonly sourcemap?: boolean;
  /** Where warnings go (default stderr). */
  readonly warn?: (message: string) => void;
}

export const buildCommand: CommandSpec = {
  name: 'build',
  brief: 'bundle a plugin into a launcher + bundle, or a single executable (--sea)',
  summary:
    'Bundle a plugin entry (ESM, code-split) into OUT/packer-plugin-NAME: a launcher with the bundle in OUT/NAME.bundle, or with --sea one single executable.',
  positionals: ['entry'],
  flags: {
    out: { type: 'string', value: 'DIR', help: 'output directory (default: dist)' },
    name: { type: 'string', value: 'NAME', help: "plugin name (default: the PluginSet's name)" },
    sea: { type: 'boolean', help: 'make a Node single executable (Linux, Node ≥ 20.12)' },
    minify: { type: 'boolean', help: 'minify the bundle (names kept for stack traces)' },
    sourcemap: { type: 'boolean', help: 'write source maps next to the bundle (not with --sea)' },
  },
};

/**
 * Builds a plugin the way Packer runs it. Default: `OUT/packer-plugin-NAME`, a shell launcher
 * that runs `OUT/NAME.bundle/` with Node (fast to rebuild, readable stack traces). `sea`: the
 * same bundle inside a Node single executable, which needs no Node on the target machine.
 * The bundle directory is named without the `packer-` prefix so Packer's discovery globs skip it.
 */
export async function buildPlugin(options: BuildOptions): Promise<BuiltPlugin> {
  const entry = resolve(options.entry);
  if (!existsSync(entry)) {
    throw new SdkError('PKR_ERR_CLI_USAGE', `entry ${options.entry} does not exist`, { details: { entry } });
  }
  const warn = options.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  // The PluginSet's name is the best default, and a different --name breaks the single-component
  // files of Packer 1.6 (rpc/plugin resolves `NAME-COMPONENT` with it): load the entry to read it.
  let setName: string | undefined;
  try {
    setName = (await inspectEntry(entry)).name;
  } catch (err) {
    if (isSdkError(err, 'PKR_ERR_CLI_BUNDLE')) throw err;
    if (options.name === undefined) throw err;
    warn(`could not load the entry to check its PluginSet name: ${describeError(err)}`);
  }
  const name = resolvePluginName(entry, options.name, setName);
  if (setName !== undefined && setName !== name) {
    warn(
      `the PluginSet is named "${setName}" but the plugin is built as "${name}": single-component files (packer-builder-${name}-X) will not find their component`,
    );
  }
  const out = resolve(options.out ?? 'dist');
  mkdirSync(out, { recursive: true });
  const target = join(out, `packer-plugin-${name}`);
  const bundleDir = join(out, `${name}.bundle`);
  rmSync(bundleDir, { recursive: true, force: true });

  if (options.sea) {
    const scratch = mkdtempSync(join(tmpdir(), 'packer-sdk-build-'));
    try {
      const main = await bundleOrFail(entry, scratch, { minify: options.minify ?? false });
      await createSea(readBundleDir(scratch, name, relative(scratch, main)), target);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  } else {
    const main = await bundleOrFail(entry, bundleDir, {
      minify: options.minify ?? false,
      sourcemap: options.sourcemap ?? false,
    });
    writeExecutable(
      target,
      launcherScript({ name, bundle: basename(bundleDir), entry: relative(bundleDir, main) }),
    );
  }
  return readBuiltPlugin(target, name);
}
