import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { SdkError } from '../../errors/index.js';
import { MuxBroker } from '../broker/mux-broker.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../plugin/constants.js';
import type { ServiceContext, ServiceLog } from '../services/context.js';
import { YamuxSession } from '../yamux/index.js';
import { parseHandshakeLine, type ParsedHandshake } from './handshake-line.js';

export interface StartPluginOptions {
  /** Arguments, e.g. `['start', 'builder', 'x']`; none for a legacy binary. */
  args?: readonly string[];
  /** Extra environment; the magic cookie and port range are added as core does. */
  env?: NodeJS.ProcessEnv;
  /** Which core to imitate when reading the handshake line (default: modern). */
  expect?: 'legacy' | 'modern';
  /** Core waits 1 minute for the line. */
  startTimeoutMs?: number;
  /** Receives the plugin's stderr lines (core logs them as `<name> plugin: <line>`). */
  onStderr?: (line: string) => void;
  log?: ServiceLog;
  protobuf?: boolean;
}

/** A running plugin as core sees it: its process, the yamux session and the broker. */
export interface PluginConnection {
  readonly child: ChildProcess;
  readonly handshake: ParsedHandshake;
  readonly session: YamuxSession;
  readonly broker: MuxBroker;
  readonly ctx: ServiceContext;
  /** SIGKILL, as core ends every plugin; resolves when the process is gone. */
  kill(): Promise<void>;
}

/**
 * The TypeScript "core side": starts a plugin executable the way Packer does (magic cookie,
 * port range, stdin shared, one handshake line on stdout), dials it and opens the yamux
 * session as the client. For fast loopback specs; real-Packer tests use the real binary.
 */
export async function startPlugin(
  command: string,
  options: StartPluginOptions = {},
): Promise<PluginConnection> {
  const log: ServiceLog = options.log ?? (() => undefined);
  const child = spawn(command, [...(options.args ?? [])], {
    env: {
      ...process.env,
      ...options.env,
      [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
      PACKER_PLUGIN_MIN_PORT: '10000',
      PACKER_PLUGIN_MAX_PORT: '25000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  createInterface({ input: child.stderr }).on('line', (line) => options.onStderr?.(line));
  const lines = createInterface({ input: child.stdout });

  let handshake: ParsedHandshake;
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new SdkError('PKR_ERR_PLUGIN_HANDSHAKE', 'timeout while waiting for the plugin to start')),
        options.startTimeoutMs ?? 60_000,
      );
      lines.once('line', (l) => {
        clearTimeout(timer);
        resolve(l);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(
          new SdkError(
            'PKR_ERR_PLUGIN_HANDSHAKE',
            `plugin exited before we could connect (exit code ${code})`,
          ),
        );
      });
    });
    // Core reads the rest of stdout forever and throws it away.
    lines.on('line', () => undefined);
    handshake = parseHandshakeLine(line, options.expect ?? 'modern');
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }

  const socket = await dial(handshake);
  const session = new YamuxSession(socket, {
    role: 'client',
    onLog: (level, message, details) => log(level, message, details),
  });
  const broker = new MuxBroker(session, { onLog: (level, message, details) => log(level, message, details) });
  return {
    child,
    handshake,
    session,
    broker,
    ctx: { broker, protobuf: options.protobuf ?? false, log },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      session.destroy();
    },
  };
}

function dial(h: ParsedHandshake): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket =
      h.network === 'unix'
        ? connect(h.address)
        : connect(Number(h.address.split(':').pop()), h.address.slice(0, h.address.lastIndexOf(':')));
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
