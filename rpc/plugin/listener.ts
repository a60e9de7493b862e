import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SdkError } from '../../errors/index.js';

export interface PluginListener {
  readonly network: 'unix' | 'tcp';
  readonly address: string;
  /** Resolves with core's one connection; the listener and its socket file are gone by then. */
  accept(): Promise<Socket>;
  /** Closes without a connection (e.g. when giving up); removes the socket file. */
  close(): void;
}

export interface ListenOptions {
  /** Listen on TCP 127.0.0.1 in [min, max] instead of a unix socket (Packer does this on Windows). */
  tcpPortRange?: { min: number; max: number };
}

/**
 * Core dials exactly once (protocol §1.2). A unix socket lives in a fresh 0700 directory; as
 * soon as the connection is accepted, the listener is closed and the directory removed, so a
 * plugin that core later SIGKILLs leaves nothing behind.
 */
export async function listen(options: ListenOptions = {}): Promise<PluginListener> {
  if (options.tcpPortRange) return listenTcp(options.tcpPortRange);
  const dir = mkdtempSync(join(tmpdir(), 'packer-plugin-'));
  const path = join(dir, 'plugin.sock');
  const server = createServer();
  const removeDir = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    await listenOn(server, path);
  } catch (cause) {
    removeDir();
    throw new SdkError('PKR_ERR_PLUGIN_LISTEN', `cannot listen on ${path}`, { cause });
  }
  return wrap(server, 'unix', path, removeDir);
}

async function listenTcp(range: { min: number; max: number }): Promise<PluginListener> {
  for (let port = range.min; port <= range.max; port++) {
    const server = createServer();
    try {
      await listenOn(server, { host: '127.0.0.1', port });
      return wrap(server, 'tcp', `127.0.0.1:${port}`, () => undefined);
    } catch {
      server.close();
    }
  }
  throw new SdkError(
    'PKR_ERR_PLUGIN_LISTEN',
    `couldn't bind plugin TCP listener in ports ${range.min}-${range.max}`,
    {
      details: range,
    },
  );
}

function listenOn(server: Server, where: string | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function wrap(
  server: Server,
  network: 'unix' | 'tcp',
  address: string,
  removeFiles: () => void,
): PluginListener {
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    server.close();
    removeFiles();
  };
  return {
    network,
    address,
    accept: () =>
      new Promise<Socket>((resolve, reject) => {
        server.once('connection', (socket: Socket) => {
          finish();
          if (network === 'tcp') socket.setKeepAlive(true);
          socket.setNoDelay(true);
          resolve(socket);
        });
        server.once('close', () =>
          reject(new SdkError('PKR_ERR_PLUGIN_LISTEN', 'listener closed before Packer connected')),
        );
      }),
    close: finish,
  };
}
