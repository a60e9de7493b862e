import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import { bundlePluginEntry } from '../cli/bundle.js';
import { describeError, SdkError } from '../errors/index.js';
import { componentClient } from '../rpc/core/component-clients.js';
import { startPlugin, type PluginConnection } from '../rpc/core/plugin-process.js';
import { CONTROL_BREAK_ENV, CONTROL_ENV, CONTROL_TOKEN_ENV } from './control-address.js';
import { connectBuildControl } from './control-client.js';
import type { StepGraphMessage } from './control-messages.js';
import { waitForPath } from './wait-for-path.js';

export interface PluginGraphOptions {
  /** A plugin entry (.ts, bundled here first), a bundle (.js) or a built executable. */
  readonly plugin: string;
  /** The builder's name, as `describe` lists it (or as Packer would ask for it). */
  readonly builder: string;
  /** The builder's config maps, in the order Packer would pass them. Default: one empty map. */
  readonly configs?: readonly unknown[];
  /** Gives up (PKR_ERR_GRAPH_PLUGIN) when the plugin has not answered in this time. */
  readonly timeoutMs?: number;
}

/**
 * The step graph a builder would run for a config, read from the plugin itself: the plugin
 * is started the way Packer starts it, with the build-control service on a private socket,
 * and asked over it (`Graph`) — so entries, bundles and built executables all work, and the
 * steps are exactly what that build of the plugin would run. Nothing is built.
 */
export async function pluginStepGraph(options: PluginGraphOptions): Promise<StepGraphMessage> {
  const work = mkdtempSync(join(tmpdir(), 'packer-sdk-graph-'));
  const stderr: string[] = [];
  let conn: PluginConnection | undefined;
  let answered: SdkError | undefined;
  const giveUp = AbortSignal.timeout(options.timeoutMs ?? 120_000);
  try {
    const { command, args } = await launchCommand(resolve(options.plugin), work);
    const socket = join(work, 'control.sock');
    conn = await startPlugin(command, {
      args: [...args, 'start', 'builder', options.builder],
      env: { [CONTROL_ENV]: socket, [CONTROL_BREAK_ENV]: '', [CONTROL_TOKEN_ENV]: '' },
      onStderr: (line) => stderr.push(line),
    });
    const exited = new Promise<never>((_, reject) =>
      conn!.child.once('exit', (code) =>
        reject(new Error(`the plugin exited (code ${code}) before serving its graph`)),
      ),
    );
    exited.catch(() => undefined);
    // Core opens the component stream first; the session then serves it (and build control).
    await Promise.race([componentClient(conn), exited]);
    await Promise.race([waitForPath(socket, giveUp), exited]);
    const client = connectBuildControl(socket, { token: '' });
    try {
      return await Promise.race([client.graph(options.configs ?? [{}]), exited]);
    } catch (err) {
      // The builder's own answer (bad config, no step list) is the error to report as is.
      if (err instanceof SdkError && err.code !== 'PKR_ERR_CONTROL_CONNECT') answered = err;
      throw err;
    } finally {
      client.close();
    }
  } catch (cause) {
    if (answered) throw answered;
    const output = stderr.filter((l) => /\[(ERROR|WARN)\]/.test(l)).join('\n');
    throw new SdkError(
      'PKR_ERR_GRAPH_PLUGIN',
      `cannot read the step graph of builder "${options.builder}" from ${options.plugin}: ${describeError(cause)}${output ? `\n${output}` : ''}`,
      { cause, details: { plugin: options.plugin, builder: options.builder } },
    );
  } finally {
    await conn?.kill();
    rmSync(work, { recursive: true, force: true });
  }
}

/** How to run the plugin: bundle an entry, run a bundle with this Node, or exec a binary. */
async function launchCommand(plugin: string, work: string): Promise<{ command: string; args: string[] }> {
  if (!existsSync(plugin)) throw new Error(`${plugin} does not exist`);
  const ext = extname(plugin);
  if (['.ts', '.mts', '.cts', '.tsx'].includes(ext)) {
    const outdir = join(work, 'bundle');
    const main = await bundlePluginEntry(plugin, outdir);
    // Bundles are ES modules; say so wherever they were written.
    const pkg = join(dirname(main), 'package.json');
    if (!existsSync(pkg)) writeFileSync(pkg, '{"type":"module"}\n');
    return { command: process.execPath, args: [main] };
  }
  if (['.js', '.mjs', '.cjs'].includes(ext)) return { command: process.execPath, args: [plugin] };
  return { command: plugin, args: [] };
}
