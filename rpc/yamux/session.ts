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
 * - `stream.ts`: `YamuxStream`, a Node `Duplex` with yamux flow control on both sides.
 * - `session.ts` (here): `YamuxSession` owns the connection, the stream table, opens and
 *   accepts, pings, GoAway and teardown. `config.ts`: options and Go's defaults.
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
 * ## Errors
 * Nothing from the wire throws out of the session. Protocol violations and a vanished peer
 * end the session with a coded `PKR_ERR_YAMUX_*` error, reported through `onLog` and the
 * 'close' event; open streams then fail with `PKR_ERR_YAMUX_SESSION_CLOSED` (cause: the
 * session's reason) and pending `open()`/`accept()`/`ping()` calls reject.
 */
import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { SdkError, isSdkError, type ErrorCode } from '../../errors/index.js';
import { resolveYamuxOptions, type YamuxConfig, type YamuxOptions, type YamuxRole } from './config.js';
import { FrameDecoder } from './frame-decoder.js';
import { encodeHeader, Flag, FrameType, GoAwayCode, type Frame } from './frame.js';
import { kAbort, kAccept, kOpen, kReceive, YamuxStream, type StreamHost } from './stream.js';

export interface YamuxSessionEvents {
  /** An inbound stream, already ACKed (see the module notes for how it competes with `accept()`). */
  stream: [stream: YamuxStream];
  /** The session ended; `err` is undefined for `close()` and for a peer that said GoAway(0) first. */
  close: [err: Error | undefined];
}

interface Deferred<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (err: Error) => void;
}

interface PendingOpen extends Deferred<YamuxStream> {
  readonly stream: YamuxStream;
  readonly timer: NodeJS.Timeout | undefined;
}

interface PendingPing extends Deferred<number> {
  readonly start: number;
  readonly timer: NodeJS.Timeout;
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
  readonly #pendingOpens = new Map<number, PendingOpen>();
  readonly #openQueue: Deferred<YamuxStream>[] = [];
  readonly #backlog: YamuxStream[] = [];
  readonly #acceptWaiters: Deferred<YamuxStream>[] = [];
  readonly #pings = new Map<number, PendingPing>();
  readonly #writeWaiters: (() => void)[] = [];
  readonly #connClosedWaiters: (() => void)[] = [];
  readonly #outputLimit: number;
  #nextId: number;
  #pingId = 0;
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
    // Go's TCP connections have Nagle off; small frames (ACKs, pings) must not wait.
    if (conn instanceof Socket) conn.setNoDelay(true);
    conn.on('data', this.#onData);
    conn.on('end', this.#onEnd);
    conn.on('error', this.#onConnError);
    conn.on('close', this.#onConnClose);
    conn.on('drain', this.#onDrain);
    (this as EventEmitter).on('newListener', (event: string | symbol) => {
      if (event === 'stream') queueMicrotask(() => this.#drainBacklogToListeners());
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
    return new Promise<YamuxStream>((resolve, reject) => {
      const request = { resolve, reject };
      if (this.#pendingOpens.size < this.config.acceptBacklog) this.#startOpen(request);
      else this.#openQueue.push(request);
    });
  }

  /** The next inbound stream (ACKed on hand-over). Rejects once the session has ended. */
  accept(): Promise<YamuxStream> {
    const queued = this.#backlog.shift();
    if (queued) {
      queued[kAccept]();
      return Promise.resolve(queued);
    }
    if (this.#ended) return Promise.reject(sessionClosed(this.#reason));
    return new Promise<YamuxStream>((resolve, reject) => this.#acceptWaiters.push({ resolve, reject }));
  }

  /**
   * Sends Ping+SYN and resolves with the round-trip time in milliseconds; rejects with
   * `PKR_ERR_YAMUX_PING_TIMEOUT` after `connectionWriteTimeoutMs`.
   */
  ping(): Promise<number> {
    if (this.#ended) return Promise.reject(sessionClosed(this.#reason));
    const id = this.#pingId;
    this.#pingId = (this.#pingId + 1) >>> 0;
    return new Promise<number>((resolve, reject) => {
      const timeoutMs = this.config.connectionWriteTimeoutMs;
      const timer = setTimeout(() => {
        this.#pings.delete(id);
        reject(
          new SdkError('PKR_ERR_YAMUX_PING_TIMEOUT', `yamux ping ${id} got no answer`, {
            details: { id, timeoutMs },
          }),
        );
      }, timeoutMs);
      timer.unref();
      this.#pings.set(id, { start: performance.now(), timer, resolve, reject });
      this.#sendFrame(FrameType.Ping, Flag.SYN, 0, id);
    });
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
      whenWritable: (fn) => this.#whenWritable(fn),
      release: (stream, reason) => this.#release(stream, reason),
      established: (stream) => this.#established(stream),
    };
  }

  #startOpen(request: Deferred<YamuxStream>): void {
    if (this.#nextId > LAST_STREAM_ID) {
      request.reject(new SdkError('PKR_ERR_YAMUX_STREAMS_EXHAUSTED', 'no yamux stream ids are left'));
      return;
    }
    const id = this.#nextId;
    this.#nextId += 2;
    const stream = new YamuxStream(this.#host, id, 'syn-sent');
    this.#streams.set(id, stream);
    let timer: NodeJS.Timeout | undefined;
    if (this.config.streamOpenTimeoutMs > 0) {
      timer = setTimeout(() => this.#openTimedOut(id), this.config.streamOpenTimeoutMs);
      timer.unref();
    }
    this.#pendingOpens.set(id, { stream, timer, resolve: request.resolve, reject: request.reject });
    stream[kOpen]();
  }

  #startQueuedOpens(): void {
    while (
      !this.#ended &&
      this.#openQueue.length > 0 &&
      this.#pendingOpens.size < this.config.acceptBacklog
    ) {
      const request = this.#openQueue.shift()!;
      if (this.#remoteGoAway) request.reject(remoteGoAway());
      else this.#startOpen(request);
    }
  }

  #established(stream: YamuxStream): void {
    const pending = this.#pendingOpens.get(stream.id);
    if (pending?.stream !== stream) return;
    this.#pendingOpens.delete(stream.id);
    clearTimeout(pending.timer);
    pending.resolve(stream);
    this.#startQueuedOpens();
  }

  #release(stream: YamuxStream, reason?: Error): void {
    if (this.#streams.get(stream.id) === stream) this.#streams.delete(stream.id);
    const queued = this.#backlog.indexOf(stream);
    if (queued >= 0) this.#backlog.splice(queued, 1);
    const pending = this.#pendingOpens.get(stream.id);
    if (pending?.stream === stream) {
      this.#pendingOpens.delete(stream.id);
      clearTimeout(pending.timer);
      pending.reject(reason ?? sessionClosed(this.#reason));
      this.#startQueuedOpens();
    }
  }

  #openTimedOut(id: number): void {
    const pending = this.#pendingOpens.get(id);
    if (!pending || this.#ended) return;
    const timeoutMs = this.config.streamOpenTimeoutMs;
    const err = new SdkError(
      'PKR_ERR_YAMUX_OPEN_TIMEOUT',
      `the peer did not acknowledge yamux stream ${id}`,
      {
        details: { streamId: id, timeoutMs },
      },
    );
    this.config.onLog('error', 'yamux: aborted stream open; closing the session', {
      streamId: id,
      timeoutMs,
    });
    this.#pendingOpens.delete(id);
    pending.reject(err);
    // Go closes the whole session so that the connection gets re-established.
    this.#terminate(err, 'end');
  }

  #deliver(stream: YamuxStream): void {
    const waiter = this.#acceptWaiters.shift();
    if (waiter) {
      stream[kAccept]();
      waiter.resolve(stream);
    } else if (this.listenerCount('stream') > 0) {
      stream[kAccept]();
      this.#emitStream(stream);
    } else {
      this.#backlog.push(stream);
    }
  }

  #drainBacklogToListeners(): void {
    while (!this.#ended && this.#backlog.length > 0 && this.listenerCount('stream') > 0) {
      const stream = this.#backlog.shift()!;
      stream[kAccept]();
      this.#emitStream(stream);
    }
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
      this.#decoder.push(chunk, this.#handleFrame);
    } catch (err) {
      this.#failOnInput(err);
      return;
    }
    if (!this.#ended && !this.#inputPaused && this.#conn.writableLength > this.#outputLimit) {
      this.#inputPaused = true;
      this.#conn.pause();
    }
  };

  readonly #handleFrame = (frame: Frame): void => {
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

  #handleStreamFrame(frame: Frame): void {
    const id = frame.streamId;
    if ((frame.flags & Flag.SYN) !== 0) this.#incomingStream(id);
    const stream = this.#streams.get(id);
    if (!stream) {
      // Usually a stream we already reset or closed; Go drops these with a warning too.
      if (frame.payload.length > 0) {
        this.config.onLog('warn', 'yamux: discarding data for an unknown stream', {
          streamId: id,
          length: frame.payload.length,
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
    if (this.#backlog.length >= this.config.acceptBacklog) {
      this.config.onLog('warn', 'yamux: backlog exceeded, resetting the new stream', { streamId: id });
      this.#sendFrame(FrameType.WindowUpdate, Flag.RST, id, 0);
      return;
    }
    const stream = new YamuxStream(this.#host, id, 'syn-received');
    this.#streams.set(id, stream);
    this.#deliver(stream);
  }

  #handlePing(frame: Frame): void {
    if ((frame.flags & Flag.SYN) !== 0) {
      // Answered from the event loop at once: Go's keep-alive gives us 10 s.
      this.#sendFrame(FrameType.Ping, Flag.ACK, 0, frame.length);
      return;
    }
    const pending = this.#pings.get(frame.length);
    if (!pending) return;
    this.#pings.delete(frame.length);
    clearTimeout(pending.timer);
    pending.resolve(performance.now() - pending.start);
  }

  #handleGoAway(code: number): void {
    if (code === GoAwayCode.Normal) {
      this.config.onLog('info', 'yamux: the peer sent GoAway; no new streams can be opened');
      this.#remoteGoAway = true;
      for (const request of this.#openQueue.splice(0)) request.reject(remoteGoAway());
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

  #whenWritable(fn: () => void): void {
    if (this.#ended) return;
    if (this.#writeWaiters.length === 0 && !this.#conn.writableNeedDrain) {
      fn();
      return;
    }
    this.#writeWaiters.push(fn);
    if (!this.#conn.writableNeedDrain && this.#writeWaiters.length === 1) queueMicrotask(this.#runWriters);
  }

  /** One waiting writer at a time, while the socket takes more: bounded output, fair order. */
  readonly #runWriters = (): void => {
    while (!this.#ended && this.#writeWaiters.length > 0 && !this.#conn.writableNeedDrain) {
      this.#writeWaiters.shift()!();
    }
  };

  readonly #onDrain = (): void => {
    if (this.#inputPaused && !this.#ended) {
      this.#inputPaused = false;
      this.#conn.resume();
    }
    this.#runWriters();
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
    for (const pending of this.#pendingOpens.values()) {
      clearTimeout(pending.timer);
      pending.reject(failure);
    }
    this.#pendingOpens.clear();
    for (const request of this.#openQueue.splice(0)) request.reject(failure);
    for (const waiter of this.#acceptWaiters.splice(0)) waiter.reject(failure);
    for (const ping of this.#pings.values()) {
      clearTimeout(ping.timer);
      ping.reject(failure);
    }
    this.#pings.clear();
    this.#writeWaiters.length = 0;
    this.#backlog.length = 0;
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

function sessionClosed(reason: Error | undefined): SdkError {
  const why = reason ? `: ${reason.message}` : '';
  return new SdkError('PKR_ERR_YAMUX_SESSION_CLOSED', `the yamux session is closed${why}`, { cause: reason });
}

function connectionLost(message: string, cause?: Error): SdkError {
  return new SdkError('PKR_ERR_YAMUX_CONNECTION_LOST', message, { cause });
}

function remoteGoAway(): SdkError {
  return new SdkError('PKR_ERR_YAMUX_GOAWAY', 'the peer sent GoAway: it accepts no new yamux streams');
}
