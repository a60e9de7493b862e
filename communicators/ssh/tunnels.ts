import net from 'node:net';
import type { Client } from 'ssh2';
import { SdkError } from '../../errors/index.js';
import type { SshTunnel } from './options.js';

/**
 * Parses Packer's tunnel form `PORT:HOST:HOSTPORT` (`ssh_local_tunnels` /
 * `ssh_remote_tunnels`; like the Go SDK, the listening side binds `localhost`). Returns an
 * error message for anything else.
 */
export function parseTunnel(text: string, direction: SshTunnel['direction']): SshTunnel | { error: string } {
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first < 0 || first === last) return { error: 'expected PORT:HOST:HOSTPORT, e.g. "8080:localhost:80"' };
  const listenPort = parsePort(text.slice(0, first));
  let forwardHost = text.slice(first + 1, last);
  const forwardPort = parsePort(text.slice(last + 1));
  if (forwardHost.startsWith('[') && forwardHost.endsWith(']')) forwardHost = forwardHost.slice(1, -1);
  if (listenPort === undefined)
    return { error: `listening port ${JSON.stringify(text.slice(0, first))} is not a port` };
  if (forwardPort === undefined) {
    return { error: `forwarding port ${JSON.stringify(text.slice(last + 1))} is not a port` };
  }
  if (forwardHost === '') return { error: 'the forwarding host is empty' };
  return { direction, listenHost: 'localhost', listenPort, forwardHost, forwardPort };
}

function parsePort(s: string): number | undefined {
  if (!/^\d{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 65535 ? n : undefined;
}

/**
 * Opens the tunnels on a ready connection. Returns a function that closes the local
 * listeners (remote ones end with the connection).
 */
export async function openTunnels(client: Client, tunnels: readonly SshTunnel[]): Promise<() => void> {
  const servers: net.Server[] = [];
  const remote = tunnels.filter((t) => t.direction === 'remote');
  if (remote.length > 0) {
    client.on('tcp connection', (info, accept, reject) => {
      const tunnel = remote.find((t) => t.listenPort === info.destPort);
      if (!tunnel) {
        reject();
        return;
      }
      // Half-open sockets: a peer that ends its side may still receive the answer.
      const local = net.connect({ host: tunnel.forwardHost, port: tunnel.forwardPort, allowHalfOpen: true });
      local.once('connect', () => {
        const channel = accept();
        channel.pipe(local).pipe(channel);
        channel.on('error', () => local.destroy());
      });
      local.once('error', () => reject());
    });
  }
  try {
    for (const tunnel of tunnels) {
      if (tunnel.direction === 'remote') {
        await new Promise<void>((resolve, reject) =>
          client.forwardIn(tunnel.listenHost, tunnel.listenPort, (err) => (err ? reject(err) : resolve())),
        ).catch((err: unknown) => {
          throw tunnelError(tunnel, 'the server refused to listen on', err);
        });
      } else {
        const server = net.createServer({ allowHalfOpen: true }, (socket) => {
          client.forwardOut(
            socket.remoteAddress ?? '127.0.0.1',
            socket.remotePort ?? 0,
            tunnel.forwardHost,
            tunnel.forwardPort,
            (err, channel) => {
              if (err) {
                socket.destroy();
                return;
              }
              socket.pipe(channel).pipe(socket);
              socket.on('error', () => channel.close());
              channel.on('error', () => socket.destroy());
            },
          );
        });
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(tunnel.listenPort, tunnel.listenHost, () => resolve());
        }).catch((err: unknown) => {
          throw tunnelError(tunnel, 'cannot listen here on', err);
        });
        servers.push(server);
      }
    }
  } catch (err) {
    servers.forEach((s) => s.close());
    throw err;
  }
  const close = (): void => servers.forEach((s) => s.close());
  client.once('close', close);
  return close;
}

function tunnelError(tunnel: SshTunnel, what: string, cause: unknown): SdkError {
  return new SdkError(
    'PKR_ERR_SSH_CONNECT',
    `tunnel ${tunnel.listenPort}:${tunnel.forwardHost}:${tunnel.forwardPort}: ${what} ${tunnel.listenHost}:${tunnel.listenPort}: ${(cause as Error).message}`,
    { cause, details: { tunnel } },
  );
}
