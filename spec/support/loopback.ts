import { startPlugin, type PluginConnection, type StartPluginOptions } from '../../rpc/core/index.js';
import { bundlePlugin, fixturePlugin } from './plugin-bundle.js';

const started: PluginConnection[] = [];

/**
 * Starts a fixture plugin as a real child process and connects to it as Packer core would,
 * over a real unix socket. `killPlugins()` (in afterEach) SIGKILLs every one, as core does.
 */
export async function startFixture(
  name: string,
  args: readonly string[],
  options: StartPluginOptions = {},
): Promise<PluginConnection> {
  const bundle = await bundlePlugin(fixturePlugin(name));
  const stderr: string[] = [];
  const conn = await startPlugin(process.execPath, {
    ...options,
    args: [bundle, ...args],
    onStderr: (line) => {
      stderr.push(line);
      options.onStderr?.(line);
    },
  });
  started.push(conn);
  Object.defineProperty(conn, 'stderrLines', { value: stderr });
  return conn;
}

export function stderrOf(conn: PluginConnection): string[] {
  return (conn as unknown as { stderrLines: string[] }).stderrLines;
}

export async function killPlugins(): Promise<void> {
  await Promise.all(started.splice(0).map((c) => c.kill()));
}
