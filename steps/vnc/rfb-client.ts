import net from 'node:net';
import { abortReason } from '../../engine/clock.js';
import { SdkError } from '../../errors/index.js';
import { ByteQueue } from './byte-queue.js';
import { vncAuthResponse } from './vnc-auth.js';

/** The RFB protocol versions this client speaks (RFC 6143 and its 3.3/3.7 predecessors). */
export type RfbVersion = '3.3' | '3.7' | '3.8';

export interface RfbConnectOptions {
  readonly host: string;
  readonly port: number;
  /** For VNC authentication; only the first 8 bytes count (a protocol limit). */
  readonly password?: string;
  /** The highest version to agree on; default 3.8. */
  readonly maxVersion?: RfbVersion;
  /** ClientInit's shared flag: let other viewers stay connected. Default true. */
  readonly shared?: boolean;
  readonly signal?: AbortSignal;
  /** Give up when the server stays silent this long during the handshake; default 30 s. */
  readonly handshakeTimeoutMs?: number;
}

/** What the server said about itself during the handshake. */
export interface RfbServerInfo {
  readonly version: RfbVersion;
  readonly securityType: 'none' | 'vnc-auth';
  readonly width: number;
  readonly height: number;
  readonly name: string;
}

const SECURITY_NONE = 1;
const SECURITY_VNC_AUTH = 2;
const MESSAGE_KEY_EVENT = 4;
const MAX_REASON = 64 * 1024;

/**
 * An RFB client that does what boot commands need: the handshake (versions 3.3–3.8, security
 * types None and VNC authentication) and KeyEvent messages. Server messages after the
 * handshake are read and dropped, so a server that sends some never stalls on a full socket.
 */
export class RfbClient {
  readonly server: RfbServerInfo;
  readonly #socket: net.Socket;
  #error: Error | undefined;

  /** Use {@link connectRfb}. */
  constructor(socket: net.Socket, server: RfbServerInfo, queue: ByteQueue) {
    this.#socket = socket;
    this.server = server;
    queue.discardFromNowOn();
    socket.on('close', () => {
      this.#error ??= new SdkError('PKR_ERR_VNC_CONNECT', 'the VNC server closed the connection');
    });
  }

  /** Sends a KeyEvent: `keysym` pressed (`down`) or released. Resolves once written to the socket. */
  keyEvent(keysym: number, down: boolean): Promise<void> {
    const message = Buffer.alloc(8);
    message[0] = MESSAGE_KEY_EVENT;
    message[1] = down ? 1 : 0;
    message.writeUInt32BE(keysym >>> 0, 4);
    return this.#write(message);
  }

  /** Closes the connection; safe to call twice. */
  async close(): Promise<void> {
    if (this.#socket.destroyed) return;
    const closed = new Promise<void>((resolve) => this.#socket.once('close', () => resolve()));
    this.#socket.end();
    this.#socket.destroySoon();
    await closed;
  }

  #write(data: Buffer): Promise<void> {
    if (this.#error) return Promise.reject(this.#error);
    if (this.#socket.destroyed) {
      return Promise.reject(new SdkError('PKR_ERR_VNC_CONNECT', 'the VNC connection is closed'));
    }
    return new Promise((resolve, reject) => {
      this.#socket.write(data, (err) => {
        if (err)
          reject(
            new SdkError('PKR_ERR_VNC_CONNECT', `writing to the VNC server failed: ${err.message}`, {
              cause: err,
            }),
          );
        else resolve();
      });
    });
  }
}

/**
 * Connects to a VNC server and completes the RFB handshake.
 * @example
 * const client = await connectRfb({ host: '127.0.0.1', port: 5901, password: 'secret' });
 * await client.keyEvent(0xff0d, true); await client.keyEvent(0xff0d, false); // Return
 * await client.close();
 */
export async function connectRfb(options: RfbConnectOptions): Promise<RfbClient> {
  const { signal } = options;
  if (signal?.aborted) throw abortReason(signal);
  const socket = net.connect({ host: options.host, port: options.port });
  const queue = new ByteQueue();
  const where = `${options.host}:${options.port}`;
  socket.on('data', (chunk: Buffer) => queue.push(chunk));
  socket.on('error', (err) =>
    queue.end(
      new SdkError('PKR_ERR_VNC_CONNECT', `VNC connection to ${where} failed: ${err.message}`, {
        cause: err,
      }),
    ),
  );
  socket.on('close', () =>
    queue.end(
      new SdkError(
        'PKR_ERR_VNC_CONNECT',
        `the VNC server at ${where} closed the connection during the handshake`,
      ),
    ),
  );
  const onAbort = (): void => {
    queue.end(abortReason(signal));
    socket.destroy();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  socket.setTimeout(options.handshakeTimeoutMs ?? 30_000, () => {
    queue.end(
      new SdkError(
        'PKR_ERR_VNC_CONNECT',
        `the VNC server at ${where} stopped answering during the handshake`,
      ),
    );
    socket.destroy();
  });
  try {
    const server = await handshake(queue, (data) => socket.write(data), options);
    socket.setTimeout(0);
    return new RfbClient(socket, server, queue);
  } catch (err) {
    socket.destroy();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function handshake(
  queue: ByteQueue,
  write: (data: Buffer) => void,
  options: RfbConnectOptions,
): Promise<RfbServerInfo> {
  const version = agreeVersion((await queue.read(12)).toString('latin1'), options.maxVersion ?? '3.8');
  write(Buffer.from(`RFB 003.00${version.slice(2)}\n`, 'latin1'));

  const securityType = await chooseSecurity(queue, write, version, options.password);
  if (securityType === SECURITY_VNC_AUTH) {
    const challenge = await queue.read(16);
    write(vncAuthResponse(challenge, options.password ?? ''));
  }
  // 3.3 and 3.7 send no SecurityResult after None (RFC 6143 §7.1.3).
  if (version === '3.8' || securityType === SECURITY_VNC_AUTH) {
    const result = await queue.readU32();
    if (result !== 0) {
      const reason = version === '3.8' ? await readReason(queue) : '';
      const text = reason === '' ? 'the password was refused' : reason;
      throw new SdkError('PKR_ERR_VNC_AUTH', `VNC authentication failed: ${text}`, {
        details: { reason, result },
      });
    }
  }

  write(Buffer.from([options.shared === false ? 0 : 1]));
  const init = await queue.read(24);
  const nameLength = init.readUInt32BE(20);
  if (nameLength > MAX_REASON) {
    throw new SdkError('PKR_ERR_VNC_PROTOCOL', `ServerInit announces a ${nameLength}-byte desktop name`);
  }
  const name = (await queue.read(nameLength)).toString('utf8');
  return {
    version,
    securityType: securityType === SECURITY_NONE ? 'none' : 'vnc-auth',
    width: init.readUInt16BE(0),
    height: init.readUInt16BE(2),
    name,
  };
}

/** The version both sides speak: 3.8 for any newer 3.x or later major, 3.7, else 3.3 (as RFC 6143 says for 3.5). */
export function agreeVersion(announced: string, max: RfbVersion): RfbVersion {
  const match = /^RFB (\d{3})\.(\d{3})\n$/.exec(announced);
  if (!match) {
    throw new SdkError(
      'PKR_ERR_VNC_PROTOCOL',
      `not an RFB server: it greeted with ${JSON.stringify(announced)}`,
    );
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major < 3)
    throw new SdkError('PKR_ERR_VNC_PROTOCOL', `RFB ${major}.${minor} is too old (3.3 or later needed)`);
  const server: RfbVersion = major > 3 || minor >= 8 ? '3.8' : minor === 7 ? '3.7' : '3.3';
  return server < max ? server : max;
}

async function chooseSecurity(
  queue: ByteQueue,
  write: (data: Buffer) => void,
  version: RfbVersion,
  password: string | undefined,
): Promise<number> {
  let offered: number[];
  if (version === '3.3') {
    // 3.3: the server decides; 0 means it refuses and says why.
    const type = await queue.readU32();
    if (type === 0) throw refused(await readReason(queue));
    offered = [type];
  } else {
    const count = await queue.readU8();
    if (count === 0) throw refused(await readReason(queue));
    offered = [...(await queue.read(count))];
  }
  const wanted =
    password !== undefined && offered.includes(SECURITY_VNC_AUTH)
      ? SECURITY_VNC_AUTH
      : offered.includes(SECURITY_NONE)
        ? SECURITY_NONE
        : offered.includes(SECURITY_VNC_AUTH)
          ? SECURITY_VNC_AUTH
          : undefined;
  if (wanted === undefined) {
    throw new SdkError(
      'PKR_ERR_VNC_PROTOCOL',
      `the VNC server offers security types [${offered.join(', ')}], none of which this client speaks (1 None, 2 VNC authentication)`,
      { details: { offered } },
    );
  }
  if (wanted === SECURITY_VNC_AUTH && password === undefined) {
    throw new SdkError('PKR_ERR_VNC_AUTH', 'the VNC server requires a password, and none was given', {
      details: { offered },
    });
  }
  if (version !== '3.3') write(Buffer.from([wanted]));
  return wanted;
}

async function readReason(queue: ByteQueue): Promise<string> {
  const length = await queue.readU32();
  if (length > MAX_REASON) throw new SdkError('PKR_ERR_VNC_PROTOCOL', `a ${length}-byte reason string`);
  return (await queue.read(length)).toString('utf8');
}

function refused(reason: string): SdkError {
  return new SdkError('PKR_ERR_VNC_AUTH', `the VNC server refused the connection: ${reason}`, {
    details: { reason },
  });
}
