/**
 * # rpc/yamux: HashiCorp yamux, byte-compatible with Packer
 *
 * Packer core and its plugins multiplex one socket with HashiCorp yamux (protocol §2.1):
 * core is the client (odd stream ids), the plugin is the server (even ids), both with Go's
 * `DefaultConfig()`. This module speaks that protocol; nothing in npm does it correctly.
 *
 * ## Layers
 * - `frame.ts`: the 12-byte header (version 0, type, flags, stream id, length), pure
 *   encode/decode. `frame-decoder.ts`: an incremental decoder for bytes cut anywhere; it
 *   holds at most one frame and rejects bad versions, types and oversized Data frames.
 *   Payloads reach the streams as views of the connection's reads, not copies; a view
 *   never keeps more than twice its payload alive (a small payload in a large read is
 *   copied).
 * - `stream.ts`: `YamuxStream`, a Node `Duplex` with yamux flow control on both sides.
 * - `session.ts` (here): `YamuxSession` owns the connection, the stream table, frame
 *   dispatch, keep-alive, GoAway and teardown, with helpers of one concept each:
 *   `open-queue.ts` (un-ACKed opens and their timeout), `accept-queue.ts` (who gets an
 *   inbound stream), `pings.ts` (outstanding pings), `write-queue.ts` (fair, bounded turns
 *   at the socket for Data frames), `errors.ts`, and `config.ts` (options, Go's defaults).
 *
 * ## Behaviour (matches Go yamux v0.1.1; Packer 1.6.6's 2018 copy has the same wire format)
 * - Opening sends WindowUpdate+SYN (delta 0 by default) and `open()` resolves on the peer's
 *   ACK. Accepting answers WindowUpdate+ACK. Flags are honoured on Data and WindowUpdate
 *   frames alike and are processed before the payload.
 * - Flow control: 256 KiB per stream and direction. A sender never exceeds the peer's window
 *   and waits (its `_write` callback is held) until a WindowUpdate arrives and the socket
 *   has drained, so memory stays bounded by the windows. A receiver grants what the
 *   application consumed once that reaches half the window, as Go does. More data than the
 *   window, a duplicate SYN, a second FIN or a bad header end the session with
 *   GoAway(1, protocol error).
 * - Pings are answered at once from the event loop; with `keepAliveIntervalMs` set, a ping
 *   unanswered within `connectionWriteTimeoutMs` closes the session.
 * - After the peer's GoAway(0) `open()` rejects; existing streams go on. GoAway(1|2) ends
 *   the session. `close()` sends GoAway(0), fails the remaining streams and ends the socket.
 * - Every timer is cleared on teardown and unref'd meanwhile: a finished session never
 *   keeps Node alive.
 *
 * ## Inbound streams: `accept()` and the 'stream' event
 * Each inbound stream goes to exactly one consumer, in arrival order: the oldest pending
 * `accept()` first; otherwise the 'stream' listeners; otherwise it waits in the backlog (up
 * to `acceptBacklog`, then the peer gets RST) for the next `accept()` or the first 'stream'
 * listener. The ACK is sent when the stream is handed over.
 *
 * ## Streams and Node conventions
 * A `YamuxStream` is a `Duplex`: `end()` is FIN, `destroy()` is RST. Node's `for await`
 * destroys a stream when the loop ends, which resets it if this side has not ended yet; use
 * `stream.iterator({ destroyOnReturn: false })` or 'data' events to read and keep writing.
 *
 * ## Errors
 * Nothing from the wire throws out of the session. Protocol violations and a vanished peer
 * end the session with a coded `PKR_ERR_YAMUX_*` error, reported through `onLog` and the
 * 'close' event; open streams then fail with `PKR_ERR_YAMUX_SESSION_CLOSED` (cause: the
 * session's reason) and pending `open()`/`accept()`/`ping()` calls reject.
 */
import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { SdkError, isSdkError, type ErrorCode } from '../../errors/index.js';
import { AcceptQueue } from './accept-queue.js';
import { resolveYamuxOptions, type YamuxConfig, type YamuxOptions, type YamuxRole } from './config.js';
import { connectionLost, remoteGoAway, sessionClosed } from './errors.js';
import { FrameDecoder, type FrameParts } from './frame-decoder.js';
import { encodeHeader, Flag, FrameType, GoAwayCode } from './frame.js';
import { OpenQueue } from './open-queue.js';
import { PingTracker } from './pings.js';
import { kAbort, kOpen, kReceive, YamuxStream, type StreamHost } from './stream.js';
import { WriteQueue } from './write-queue.js';

export interface YamuxSessionEvents {
  /** An inbound stream, already ACKed (see the module notes for how it competes with `accept()`). */
  stream: [stream: YamuxStream];
  /** The session ended; `err` is undefined for `close()` and for a peer that said GoAway(0) first. */
  close: [err: Error | undefined];
}

/** Protocol violations by the peer: answered with GoAway(protocol error). */
const PROTOCOL_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'PKR_ERR_YAMUX_BAD_VERSION',
  'PKR_ERR_YAMUX_BAD_TYPE',
  'PKR_ERR_YAMUX_FRAME_TOO_LARGE',
  'PKR_ERR_YAMUX_WINDOW_EXCEEDED',
  'PKR_ERR_YAMUX_DUPLICATE_STREAM',
  'PKR_ERR_YAMUX_BAD_STREAM_ID',
  'PKR_ERR_YAMUX_UNEXPECTED_FLAG',
]);

// Go refuses ids from MaxUint32-1 on (`ErrStreamsExhausted`).
const LAST_STREAM_ID = 0xfffffffd;

/**
 * One yamux session over a connected byte stream (a `net.Socket` in practice).
 *
 * @example
 * const session = new YamuxSession(socket, { role: 'server' });
 * session.on('stream', (stream) => stream.pipe(stream)); // echo every stream
 * const mine = await session.open();
 */
export class YamuxSession extends EventEmitter<YamuxSessionEvents> {
  readonly role: YamuxRole;
  readonly config: YamuxConfig;
  readonly #conn: Duplex;
  readonly #decoder: FrameDecoder;
  readonly #host: StreamHost;
  readonly #streams = new Map<number, YamuxStream>();
  readonly #opens: OpenQueue;
  readonly #inbound: AcceptQueue;
  readonly #pings: PingTracker;
  readonly #writers: WriteQueue;
  readonly #connClosedWaiters: (() => void)[] = [];
  readonly #outputLimit: number;
  #nextId: number;
  #localGoAway = false;
  #remoteGoAway = false;
  #ended = false;
  #reason: Error | undefined;
  #inputPaused = false;
  #connClosed = false;
  #keepAliveTimer: NodeJS.Timeout | undefined;
  #connGuardTimer: NodeJS.Timeout | undefined;

  constructor(conn: Duplex, options: YamuxOptions) {
    super();
    this.config = resolveYamuxOptions(options);
    this.role = this.config.role;
    if (
      conn === null ||
      typeof conn !== 'object' ||
      typeof conn.write !== 'function' ||
      typeof conn.on !== 'function'
    ) {
      throw new SdkError('PKR_ERR_OPTION_INVALID', 'a yamux session needs a connected Duplex stream');
    }
    this.#conn = conn;
    this.#decoder = new FrameDecoder({ maxDataLength: this.config.maxStreamWindow });
    // Control frames are written even when the socket is backed up; if they pile up this
    // high the peer is not reading, so we stop reading too instead of buffering more.
    this.#outputLimit = 4 * this.config.maxStreamWindow;
    this.#nextId = this.role === 'client' ? 1 : 2;
    this.#host = this.#createHost();
    this.#inbound = new AcceptQueue({
      limit: this.config.acceptBacklog,
      hasListeners: () => this.listenerCount('stream') > 0,
      emit: (stream) => this.#emitStream(stream),
    });
    this.#opens = new OpenQueue({
      limit: this.config.acceptBacklog,
      timeoutMs: this.config.streamOpenTimeoutMs,
      start: () => this.#startOpen(),
      onTimeout: (err) => {
        this.config.onLog('error', 'yamux: aborted stream open; closing the session', { ...err.details });
        // Go closes the whole session so that the connection gets re-established.
        this.#terminate(err, 'end');
      },
    });
    this.#pings = new PingTracker(this.config.connectionWriteTimeoutMs);
    this.#writers = new WriteQueue(conn);
    // Go's TCP connections have Nagle off; small frames (ACKs, pings) must not wait.
    if (conn instanceof Socket) conn.setNoDelay(true);
    conn.on('data', this.#onData);
    conn.on('end', this.#onEnd);
    conn.on('error', this.#onConnError);
    conn.on('close', this.#onConnClose);
    conn.on('drain', this.#onDrain);
    (this as EventEmitter).on('newListener', (event: string | symbol) => {
      // Fires before the listener is added, hence the microtask.
      if (event === 'stream') queueMicrotask(() => !this.#ended && this.#inbound.drainToListeners());
    });
    if (conn.destroyed || conn.readableEnded) {
      queueMicrotask(() => this.#terminate(connectionLost('the connection was already closed'), 'destroy'));
    }
    this.#scheduleKeepAlive();
  }

  /** True once the session has ended (closed, destroyed, or failed). */
  get closed(): boolean {
    return this.#ended;
  }

  /** Streams currently in the table: open, half-closed, or waiting to be accepted. */
  get streamCount(): number {
    return this.#streams.size;
  }

  /**
   * Opens a stream: sends WindowUpdate+SYN and resolves on the peer's ACK. Rejects with
   * `PKR_ERR_YAMUX_STREAM_RESET` if the peer refuses it, `PKR_ERR_YAMUX_GOAWAY` after the
   * peer's GoAway, `PKR_ERR_YAMUX_OPEN_TIMEOUT` (which, as in Go, also closes the session),
   * or `PKR_ERR_YAMUX_SESSION_CLOSED`. At most `acceptBacklog` opens wait for an ACK at once;
   * later calls queue.
   */
  open(): Promise<YamuxStream> {
    if (this.#ended) return Promise.reject(sessionClosed(this.#reason));
    if (this.#remoteGoAway) return Promise.reject(remoteGoAway());
    return this.#opens.open();
  }

  /** The next inbound stream (ACKed on hand-over). Rejects once the session has ended. */
  accept(): Promise<YamuxStream> {
    if (this.#ended) return Promise.reject(sessionClosed(this.#reason));
    return Promise.resolve(this.#inbound.take());
  }

  /**
   * Sends Ping+SYN and resolves with the round-trip time in milliseconds; rejects with
   * `PKR_ERR_YAMUX_PING_TIMEOUT` after `connectionWriteTimeoutMs`.
   */
  ping(): Promise<number> {
    if (this.#ended) return Promise.reject(sessionClosed(this.#reason));
    return this.#pings.start((id) => this.#sendFrame(FrameType.Ping, Flag.SYN, 0, id));
  }

  /**
   * Tells the peer to open no more streams (code 0), or reports an error (1 protocol,
   * 2 internal). Streams the peer opens afterwards are refused with RST; existing ones go on.
   */
  goAway(code: 0 | 1 | 2 = GoAwayCode.Normal): void {
    if (code !== 0 && code !== 1 && code !== 2) {
      throw new SdkError('PKR_ERR_OPTION_INVALID', 'a GoAway code must be 0, 1 or 2', { details: { code } });
    }
    if (this.#ended) return;
    this.#localGoAway = true;
    this.#sendFrame(FrameType.GoAway, 0, 0, code);
  }

  /**
   * Ends the session politely: GoAway(0), then every remaining stream fails with
   * `PKR_ERR_YAMUX_SESSION_CLOSED` and the connection is ended. Resolves once the
   * connection has closed (it is destroyed if the peer does not close within
   * `connectionWriteTimeoutMs`).
   */
  close(): Promise<void> {
    if (!this.#ended) {
      this.goAway(GoAwayCode.Normal);
      this.#terminate(undefined, 'end');
    }
    return this.#whenConnClosed();
  }

  /** Ends the session at once, without GoAway; 'close' carries `err`. */
  destroy(err?: Error): void {
    if (this.#ended) {
      this.#conn.destroy();
      return;
    }
    this.#terminate(err, 'destroy');
  }

  #createHost(): StreamHost {
    return {
      config: this.config,
      log: this.config.onLog,
      ended: () => this.#ended,
      sendFrame: (type, flags, streamId, lengthOrPayload) =>
        this.#sendFrame(type, flags, streamId, lengthOrPayload),
      whenWritable: (fn) => this.#writers.whenWritable(fn),
      release: (stream, reason) => this.#release(stream, reason),
      established: (stream) => this.#opens.established(stream),
    };
  }

  /** Allocates the next id of our parity and sends WindowUpdate+SYN. */
  #startOpen(): YamuxStream | Error {
    if (this.#ended) return sessionClosed(this.#reason);
    if (this.#remoteGoAway) return remoteGoAway();
    if (this.#nextId > LAST_STREAM_ID) {
      return new SdkError('PKR_ERR_YAMUX_STREAMS_EXHAUSTED', 'no yamux stream ids are left');
    }
    const id = this.#nextId;
    this.#nextId += 2;
    const stream = new YamuxStream(this.#host, id, 'syn-sent');
    this.#streams.set(id, stream);
    stream[kOpen]();
    return stream;
  }

  #release(stream: YamuxStream, reason?: Error): void {
    if (this.#streams.get(stream.id) === stream) this.#streams.delete(stream.id);
    this.#inbound.remove(stream);
    this.#opens.failed(stream, reason ?? sessionClosed(this.#reason));
  }

  #emitStream(stream: YamuxStream): void {
    try {
      this.emit('stream', stream);
    } catch (err) {
      // A throwing listener must not take the connection's data handler down with it.
      this.config.onLog('error', "yamux: a 'stream' listener threw; resetting the stream", {
        streamId: stream.id,
        error: err instanceof Error ? err.message : String(err),
      });
      stream.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#ended) return;
    try {
      this.#decoder.pushParts(chunk, this.#handleFrame);
    } catch (err) {
      this.#failOnInput(err);
      return;
    }
    if (!this.#ended && !this.#inputPaused && this.#conn.writableLength > this.#outputLimit) {
      this.#inputPaused = true;
      this.#conn.pause();
    }
  };

  readonly #handleFrame = (frame: FrameParts): void => {
    if (this.#ended) return;
    switch (frame.type) {
      case FrameType.Data:
      case FrameType.WindowUpdate:
        this.#handleStreamFrame(frame);
        break;
      case FrameType.Ping:
        this.#handlePing(frame);
        break;
      case FrameType.GoAway:
        this.#handleGoAway(frame.length);
        break;
    }
  };

  #handleStreamFrame(frame: FrameParts): void {
    const id = frame.streamId;
    if ((frame.flags & Flag.SYN) !== 0) this.#incomingStream(id);
    const stream = this.#streams.get(id);
    if (!stream) {
      // Usually a stream we already reset or closed; Go drops these with a warning too.
      if (frame.type === FrameType.Data && frame.length > 0) {
        this.config.onLog('warn', 'yamux: discarding data for an unknown stream', {
          streamId: id,
          length: frame.length,
        });
      } else {
        this.config.onLog('debug', 'yamux: frame for an unknown stream', {
          streamId: id,
          flags: frame.flags,
        });
      }
      return;
    }
    stream[kReceive](frame);
  }

  #incomingStream(id: number): void {
    if (this.#localGoAway) {
      this.#sendFrame(FrameType.WindowUpdate, Flag.RST, id, 0);
      return;
    }
    const peerIsClient = this.role === 'server';
    if (id === 0 || (id % 2 === 1) !== peerIsClient) {
      throw new SdkError(
        'PKR_ERR_YAMUX_BAD_STREAM_ID',
        `the peer opened yamux stream ${id}, an id it may not use`,
        {
          details: { streamId: id, role: this.role },
        },
      );
    }
    if (this.#streams.has(id)) {
      throw new SdkError('PKR_ERR_YAMUX_DUPLICATE_STREAM', `the peer opened yamux stream ${id} twice`, {
        details: { streamId: id },
      });
    }
    if (this.#inbound.full) {
      this.config.onLog('warn', 'yamux: backlog exceeded, resetting the new stream', { streamId: id });
      this.#sendFrame(FrameType.WindowUpdate, Flag.RST, id, 0);
      return;
    }
    const stream = new YamuxStream(this.#host, id, 'syn-received');
    this.#streams.set(id, stream);
    this.#inbound.offer(stream);
  }

  #handlePing(frame: FrameParts): void {
    if ((frame.flags & Flag.SYN) !== 0) {
      // Answered from the event loop at once: Go's keep-alive gives us 10 s.
      this.#sendFrame(FrameType.Ping, Flag.ACK, 0, frame.length);
      return;
    }
    this.#pings.answer(frame.length);
  }

  #handleGoAway(code: number): void {
    if (code === GoAwayCode.Normal) {
      this.config.onLog('info', 'yamux: the peer sent GoAway; no new streams can be opened');
      this.#remoteGoAway = true;
      this.#opens.refuseQueued(remoteGoAway());
      return;
    }
    const what = code === 1 ? 'a protocol error' : code === 2 ? 'an internal error' : `unknown code ${code}`;
    this.config.onLog('error', `yamux: the peer ended the session with GoAway (${what})`, { code });
    this.#terminate(
      new SdkError('PKR_ERR_YAMUX_REMOTE_ERROR', `the peer ended the yamux session: ${what}`, {
        details: { code },
      }),
      'end',
    );
  }

  #failOnInput(err: unknown): void {
    if (this.#ended) return;
    if (isSdkError(err) && PROTOCOL_ERRORS.has(err.code)) {
      this.config.onLog('error', `yamux: ${err.message}; ending the session`, {
        code: err.code,
        ...err.details,
      });
      this.#terminate(err, 'end', GoAwayCode.ProtocolError);
      return;
    }
    const internal = new SdkError(
      'PKR_ERR_YAMUX_INTERNAL',
      'an exception escaped while handling a yamux frame',
      {
        cause: err,
      },
    );
    this.config.onLog('error', 'yamux: internal error; ending the session', {
      error: err instanceof Error ? err.message : String(err),
    });
    this.#terminate(internal, 'end', GoAwayCode.InternalError);
  }

  #scheduleKeepAlive(): void {
    if (this.config.keepAliveIntervalMs === 0 || this.#ended) return;
    this.#keepAliveTimer = setTimeout(() => {
      this.#keepAliveTimer = undefined;
      this.ping().then(
        () => this.#scheduleKeepAlive(),
        (err: unknown) => {
          if (this.#ended) return;
          this.config.onLog('error', 'yamux: keepalive failed; closing the session', {
            error: err instanceof Error ? err.message : String(err),
          });
          this.#terminate(err instanceof Error ? err : new Error(String(err)), 'destroy');
        },
      );
    }, this.config.keepAliveIntervalMs);
    this.#keepAliveTimer.unref();
  }

  #sendFrame(type: FrameType, flags: number, streamId: number, lengthOrPayload: number | Buffer): boolean {
    const conn = this.#conn;
    if (conn.destroyed || conn.writableEnded) return false;
    if (typeof lengthOrPayload === 'number') {
      return conn.write(encodeHeader({ type, flags, streamId, length: lengthOrPayload }));
    }
    conn.cork();
    conn.write(encodeHeader({ type, flags, streamId, length: lengthOrPayload.length }));
    const ok = conn.write(lengthOrPayload);
    conn.uncork();
    return ok;
  }

  readonly #onDrain = (): void => {
    if (this.#inputPaused && !this.#ended) {
      this.#inputPaused = false;
      this.#conn.resume();
    }
    this.#writers.run();
  };

  readonly #onEnd = (): void => {
    // A peer that said GoAway(0) and then hung up ended the session on purpose.
    this.#terminate(this.#remoteGoAway ? undefined : connectionLost('the peer closed the connection'), 'end');
  };

  readonly #onConnError = (err: Error): void => {
    this.#terminate(connectionLost(`the connection failed: ${err.message}`, err), 'destroy');
  };

  readonly #onConnClose = (): void => {
    this.#connClosed = true;
    clearTimeout(this.#connGuardTimer);
    this.#terminate(connectionLost('the connection closed'), 'destroy');
    for (const resolve of this.#connClosedWaiters.splice(0)) resolve();
  };

  #whenConnClosed(): Promise<void> {
    if (this.#connClosed || this.#conn.closed) return Promise.resolve();
    return new Promise<void>((resolve) => this.#connClosedWaiters.push(resolve));
  }

  /**
   * The one way a session ends. `end` flushes what is queued (GoAway included) before
   * closing the connection; `destroy` drops it.
   */
  #terminate(reason: Error | undefined, how: 'end' | 'destroy', goAway?: GoAwayCode): void {
    if (this.#ended) return;
    if (goAway !== undefined) this.#sendFrame(FrameType.GoAway, 0, 0, goAway);
    this.#ended = true;
    this.#reason = reason;
    clearTimeout(this.#keepAliveTimer);
    this.#keepAliveTimer = undefined;

    // One error for everything that fails now: building errors (stacks) is the costly part
    // of tearing down a session with many streams.
    const failure = sessionClosed(reason);
    this.#opens.failAll(failure);
    this.#inbound.failAll(failure);
    this.#pings.failAll(failure);
    this.#writers.close();
    const streams = [...this.#streams.values()];
    this.#streams.clear();
    for (const stream of streams) stream[kAbort](failure);

    const conn = this.#conn;
    if (how === 'destroy' || conn.destroyed) {
      conn.destroy();
    } else {
      if (this.#inputPaused) conn.resume();
      conn.end();
      if (!this.#connClosed) {
        this.#connGuardTimer = setTimeout(() => conn.destroy(), this.config.connectionWriteTimeoutMs);
        this.#connGuardTimer.unref();
      }
    }
    process.nextTick(() => this.emit('close', reason));
  }
}
