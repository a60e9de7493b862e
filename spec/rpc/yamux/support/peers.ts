import type net from 'node:net';
import { FrameDecoder } from '../../../../rpc/yamux/frame-decoder.js';
import { encodeFrame, type Frame, type FrameInput } from '../../../../rpc/yamux/frame.js';
import type { YamuxLogLevel, YamuxOptions } from '../../../../rpc/yamux/config.js';
import { YamuxSession } from '../../../../rpc/yamux/session.js';
import type { YamuxStream } from '../../../../rpc/yamux/stream.js';
import { FrameTap } from './frame-tap.js';
import { socketPair } from './socket-pair.js';

export interface LogEntry {
  level: YamuxLogLevel;
  message: string;
  details?: Readonly<Record<string, unknown>>;
}

/** Collects a session's log lines and lets a spec wait for one (no sleeping). */
export class LogRecorder {
  readonly entries: LogEntry[] = [];
  readonly #watchers: { test: (e: LogEntry) => boolean; resolve: (e: LogEntry) => void }[] = [];

  readonly onLog = (
    level: YamuxLogLevel,
    message: string,
    details?: Readonly<Record<string, unknown>>,
  ): void => {
    const entry = { level, message, details };
    this.entries.push(entry);
    for (let i = this.#watchers.length - 1; i >= 0; i--) {
      if (this.#watchers[i]!.test(entry)) this.#watchers.splice(i, 1)[0]!.resolve(entry);
    }
  };

  waitFor(test: (e: LogEntry) => boolean): Promise<LogEntry> {
    const seen = this.entries.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#watchers.push({ test, resolve }));
  }
}

/** The error a session's 'close' event carries. */
export function closeOf(session: YamuxSession): Promise<Error | undefined> {
  return new Promise((resolve) => session.once('close', resolve));
}

/** Resolves with the error a stream is destroyed with (undefined if it closed cleanly). */
export function streamOutcome(stream: YamuxStream): Promise<Error | undefined> {
  return new Promise((resolve) => {
    if (stream.destroyed) {
      resolve(stream.errored ?? undefined);
      return;
    }
    stream.once('close', () => resolve(stream.errored ?? undefined));
  });
}

/**
 * Reads a stream to its end (EOF from the peer's FIN). Unlike `for await`, which destroys the
 * stream when the loop ends (and so would reset a half-closed yamux stream), this leaves the
 * writable side alone.
 */
export function readAll(stream: YamuxStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
    stream.once('close', () => reject(new Error(`stream ${stream.id} closed before its end`)));
  });
}

export interface SessionPair {
  readonly client: YamuxSession;
  readonly server: YamuxSession;
  readonly tap: FrameTap;
  readonly clientLog: LogRecorder;
  readonly serverLog: LogRecorder;
}

/** A client and a server session over real unix sockets with a frame tap in between. */
export async function sessionPair(
  clientOptions: Partial<YamuxOptions> = {},
  serverOptions: Partial<YamuxOptions> = {},
): Promise<SessionPair> {
  const tap = await FrameTap.create();
  const clientLog = new LogRecorder();
  const serverLog = new LogRecorder();
  const client = new YamuxSession(tap.a, { onLog: clientLog.onLog, ...clientOptions, role: 'client' });
  const server = new YamuxSession(tap.b, { onLog: serverLog.onLog, ...serverOptions, role: 'server' });
  return { client, server, tap, clientLog, serverLog };
}

/** The far end of a session, driven byte by byte: writes only what the spec chooses. */
export class RawPeer {
  readonly frames: Frame[] = [];
  readonly decodeErrors: Error[] = [];
  readonly closed: Promise<void>;
  readonly #decoder = new FrameDecoder({ maxDataLength: 0xffffffff });
  readonly #watchers: { test: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      try {
        this.#decoder.push(chunk, (frame) => this.#observe(frame));
      } catch (err) {
        this.decodeErrors.push(err as Error);
      }
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  send(...frames: FrameInput[]): void {
    this.socket.write(Buffer.concat(frames.map((frame) => encodeFrame(frame))));
  }

  sendBytes(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  waitFor(test: (f: Frame) => boolean): Promise<Frame> {
    const seen = this.frames.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#watchers.push({ test, resolve }));
  }

  #observe(frame: Frame): void {
    this.frames.push(frame);
    for (let i = this.#watchers.length - 1; i >= 0; i--) {
      if (this.#watchers[i]!.test(frame)) this.#watchers.splice(i, 1)[0]!.resolve(frame);
    }
  }
}

/** A session on one end of a real socket and a {@link RawPeer} on the other. */
export async function sessionWithRawPeer(
  options: Partial<YamuxOptions> & Pick<YamuxOptions, 'role'>,
): Promise<{ session: YamuxSession; raw: RawPeer; log: LogRecorder }> {
  const { a, b } = await socketPair();
  const log = new LogRecorder();
  const session = new YamuxSession(a, { keepAliveIntervalMs: 0, onLog: log.onLog, ...options });
  return { session, raw: new RawPeer(b), log };
}
