import net from 'node:net';
import { SdkError } from '../../errors/index.js';
import { onAbort } from '../shared/abort.js';
import type { SshProxyOptions } from './options.js';

/**
 * Opens a TCP connection, failing with `PKR_ERR_SSH_CONNECT` (and destroying the socket)
 * when it does not connect or `signal` fires first.
 */
export function connectTcp(host: string, port: number, signal?: AbortSignal): Promise<net.Socket> {
  return new Promise<net.Socket>((resolve, reject) => {
    if (signal?.aborted) {
      reject(cancelled(signal));
      return;
    }
    const socket = net.connect({ host, port });
    let stopListening = (): void => undefined;
    const fail = (err: unknown): void => {
      stopListening();
      socket.destroy();
      reject(
        signal?.aborted
          ? cancelled(signal)
          : new SdkError(
              'PKR_ERR_SSH_CONNECT',
              `cannot connect to ${host}:${port}: ${(err as Error).message}`,
              {
                cause: err,
                details: { host, port },
              },
            ),
      );
    };
    // Registered first: a late connect error after a cancellation must not go unhandled.
    socket.on('error', fail);
    stopListening = onAbort(signal, () => fail(signal?.reason));
    socket.once('connect', () => {
      stopListening();
      socket.off('error', fail);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

function cancelled(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('cancelled');
}

/**
 * Connects to `host:port` through a SOCKS5 (RFC 1928, with RFC 1929 username/password) or
 * HTTP CONNECT proxy and returns the tunnelled socket, ready for the SSH handshake.
 */
export async function connectThroughProxy(
  proxy: SshProxyOptions,
  host: string,
  port: number,
  signal?: AbortSignal,
): Promise<net.Socket> {
  const socket = await connectTcp(proxy.host, proxy.port, signal);
  const reader = new HandshakeReader(socket);
  const dispose = onAbort(signal, () => socket.destroy());
  try {
    if (proxy.type === 'socks5') await socks5Handshake(socket, reader, proxy, host, port);
    else await httpConnectHandshake(socket, reader, proxy, host, port);
    reader.release();
    return socket;
  } catch (err) {
    socket.destroy();
    if (signal?.aborted) throw cancelled(signal);
    if (err instanceof SdkError) throw err;
    throw new SdkError(
      'PKR_ERR_SSH_PROXY',
      `the ${proxy.type} proxy ${proxy.host}:${proxy.port} broke the tunnel to ${host}:${port}: ${(err as Error).message}`,
      { cause: err, details: { proxy: `${proxy.host}:${proxy.port}`, host, port } },
    );
  } finally {
    dispose();
  }
}

const SOCKS_REPLIES: Readonly<Record<number, string>> = {
  1: 'general SOCKS server failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

async function socks5Handshake(
  socket: net.Socket,
  reader: HandshakeReader,
  proxy: SshProxyOptions,
  host: string,
  port: number,
): Promise<void> {
  const withAuth = proxy.username !== undefined && proxy.username !== '';
  socket.write(Buffer.from(withAuth ? [5, 2, 0, 2] : [5, 1, 0]));
  const [version, method] = await reader.read(2);
  if (version !== 5) throw proxyError(proxy, `answered with SOCKS version ${version}, not 5`);
  if (method === 0xff) throw proxyError(proxy, 'accepts none of our authentication methods');
  if (method === 2) {
    const user = Buffer.from(proxy.username ?? '');
    const pass = Buffer.from(proxy.password ?? '');
    if (user.length > 255 || pass.length > 255)
      throw proxyError(proxy, 'username or password over 255 bytes');
    socket.write(Buffer.concat([Buffer.from([1, user.length]), user, Buffer.from([pass.length]), pass]));
    const [, status] = await reader.read(2);
    if (status !== 0) throw proxyError(proxy, 'rejected the username/password');
  } else if (method !== 0) {
    throw proxyError(proxy, `chose an authentication method we did not offer (${method})`);
  }
  socket.write(Buffer.concat([Buffer.from([5, 1, 0]), encodeAddress(host), u16(port)]));
  const [ver, rep, , atyp] = await reader.read(4);
  if (ver !== 5) throw proxyError(proxy, `answered CONNECT with SOCKS version ${ver}`);
  if (rep !== 0) {
    throw proxyError(proxy, `could not reach ${host}:${port}: ${SOCKS_REPLIES[rep!] ?? `reply ${rep}`}`);
  }
  // Skip the bound address the proxy reports.
  if (atyp === 1) await reader.read(4 + 2);
  else if (atyp === 4) await reader.read(16 + 2);
  else if (atyp === 3) await reader.read((await reader.read(1))[0]! + 2);
  else throw proxyError(proxy, `answered with address type ${atyp}`);
}

function encodeAddress(host: string): Buffer {
  if (net.isIPv4(host)) return Buffer.from([1, ...host.split('.').map(Number)]);
  if (net.isIPv6(host)) return Buffer.concat([Buffer.from([4]), ipv6Bytes(host)]);
  const name = Buffer.from(host);
  if (name.length > 255) throw new Error(`host name ${host} is too long for SOCKS5`);
  return Buffer.concat([Buffer.from([3, name.length]), name]);
}

function ipv6Bytes(address: string): Buffer {
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes its two hex groups first.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    address = `${address.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = address.split('::') as [string, string | undefined];
  const parts = (s: string | undefined): number[] => (s ? s.split(':').map((p) => parseInt(p, 16)) : []);
  const h = parts(head);
  const t = parts(tail);
  const groups = [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

async function httpConnectHandshake(
  socket: net.Socket,
  reader: HandshakeReader,
  proxy: SshProxyOptions,
  host: string,
  port: number,
): Promise<void> {
  const authority = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
  const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
  if (proxy.username !== undefined && proxy.username !== '') {
    const token = Buffer.from(`${proxy.username}:${proxy.password ?? ''}`).toString('base64');
    lines.push(`Proxy-Authorization: Basic ${token}`);
  }
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  const head = await reader.readUntil(Buffer.from('\r\n\r\n'), 16 * 1024);
  const statusLine = head.toString('latin1').split('\r\n')[0] ?? '';
  const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!match) throw proxyError(proxy, `answered CONNECT with ${JSON.stringify(statusLine.slice(0, 80))}`);
  if (match[1] !== '200') {
    throw proxyError(proxy, `refused CONNECT ${authority}: ${match[1]} ${match[2] ?? ''}`.trim());
  }
}

function proxyError(proxy: SshProxyOptions, what: string): SdkError {
  return new SdkError('PKR_ERR_SSH_PROXY', `the ${proxy.type} proxy ${proxy.host}:${proxy.port} ${what}`, {
    details: { proxy: `${proxy.host}:${proxy.port}` },
  });
}

/** Reads exact byte counts from a socket during a handshake, then hands the rest back. */
class HandshakeReader {
  #buffer = Buffer.alloc(0);
  #wake: (() => void) | undefined;
  #ended: Error | undefined;
  readonly #socket: net.Socket;
  readonly #onData = (chunk: Buffer): void => {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    this.#wake?.();
  };
  readonly #onEnd = (err?: Error): void => {
    this.#ended = err instanceof Error ? err : new Error('the proxy closed the connection');
    this.#wake?.();
  };

  constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on('data', this.#onData);
    socket.once('end', this.#onEnd);
    socket.once('close', this.#onEnd);
    socket.once('error', this.#onEnd);
  }

  async read(n: number): Promise<Buffer> {
    while (this.#buffer.length < n) await this.#more();
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  async readUntil(delimiter: Buffer, max: number): Promise<Buffer> {
    for (;;) {
      const at = this.#buffer.indexOf(delimiter);
      if (at >= 0) return this.read(at + delimiter.length);
      if (this.#buffer.length > max) throw new Error(`no end of headers within ${max} bytes`);
      await this.#more();
    }
  }

  /** Stops reading and puts unread bytes back for the next consumer. */
  release(): void {
    this.#socket.off('data', this.#onData);
    this.#socket.off('end', this.#onEnd);
    this.#socket.off('close', this.#onEnd);
    this.#socket.off('error', this.#onEnd);
    this.#socket.pause();
    if (this.#buffer.length > 0) this.#socket.unshift(this.#buffer);
  }

  #more(): Promise<void> {
    if (this.#ended) return Promise.reject(this.#ended);
    return new Promise<void>((resolve) => {
      this.#wake = () => {
        this.#wake = undefined;
        resolve();
      };
    }).then(() => {
      if (this.#ended && this.#buffer.length === 0) throw this.#ended;
    });
  }
}
