import { Duplex } from 'node:stream';
import { SdkError } from '../../errors/index.js';
import type { YamuxConfig, YamuxLogger } from './config.js';
import type { FrameParts } from './frame-decoder.js';
import { Flag, FrameType, INITIAL_STREAM_WINDOW } from './frame.js';

/**
 * What a stream needs from its session. Kept narrow so the stream's flow-control logic can
 * be read (and tested) without the session's connection handling.
 */
export interface StreamHost {
  readonly config: YamuxConfig;
  readonly log: YamuxLogger;
  /** True once the session has ended: nothing may be sent any more. */
  ended(): boolean;
  /** Writes one frame now; false when the connection wants writers to wait for 'drain'. */
  sendFrame(type: FrameType, flags: number, streamId: number, lengthOrPayload: number | Buffer): boolean;
  /** Calls `fn` once the connection can take another Data frame (FIFO among streams). */
  whenWritable(fn: () => void): void;
  /** The stream is done on the wire (both FINs, or reset); `reason` when it never got established. */
  release(stream: YamuxStream, reason?: Error): void;
  /** The peer ACKed a stream this side opened. */
  established(stream: YamuxStream): void;
}

/** Session-only entry points, keyed by symbols this module does not re-export to users. */
export const kOpen = Symbol('yamux.open');
export const kAccept = Symbol('yamux.accept');
export const kReceive = Symbol('yamux.receive');
export const kAbort = Symbol('yamux.abort');

// Go splits writes at the send window; capping frames at the initial window keeps one frame
// from monopolising the connection when a peer grants a larger window.
const MAX_FRAME_PAYLOAD = INITIAL_STREAM_WINDOW;

interface PendingWrite {
  readonly chunk: Buffer;
  offset: number;
  readonly callback: (err?: Error | null) => void;
}

/**
 * One yamux stream as a Node `Duplex`. `end()` sends FIN (half-close: the peer reads EOF and
 * may still write); the stream is fully closed when both sides sent FIN. `destroy()` sends
 * RST. A write completes once its bytes are framed within the peer's window and handed to
 * the connection, so `write()` returning false really means "wait": nothing queues beyond
 * one chunk.
 *
 * Errors: reset by the peer (`PKR_ERR_YAMUX_STREAM_RESET`), no FIN from the peer in time
 * after ours (`PKR_ERR_YAMUX_CLOSE_TIMEOUT`), or the session ended
 * (`PKR_ERR_YAMUX_SESSION_CLOSED`, cause = why). The stream always has a listener of its own
 * for 'error', so an unwatched stream never crashes the process; consumers still see the
 * error through their own listeners, `pipeline()`/`finished()` and `stream.errored`.
 */
export class YamuxStream extends Duplex {
  readonly id: number;
  readonly #host: StreamHost;
  #state: 'syn-sent' | 'syn-received' | 'established';
  #localFin = false;
  #remoteFin = false;
  #released = false;
  #recvWindow = INITIAL_STREAM_WINDOW;
  #sendWindow = INITIAL_STREAM_WINDOW;
  readonly #queue: Buffer[] = [];
  #queued = 0;
  #wantRead = false;
  #flushing = false;
  #eofPushed = false;
  #pending: PendingWrite | undefined;
  #awaitingWritable = false;
  #closeTimer: NodeJS.Timeout | undefined;

  /** Streams come from `YamuxSession.open()` / `accept()`; this constructor is the session's. */
  constructor(host: StreamHost, id: number, state: 'syn-sent' | 'syn-received') {
    super({ allowHalfOpen: true, autoDestroy: true, emitClose: true, decodeStrings: true });
    this.id = id;
    this.#host = host;
    this.#state = state;
    this.on('error', (err: Error) =>
      host.log('debug', 'yamux: stream error', { streamId: id, error: err.message }),
    );
  }

  /** Bytes this side may still send before the peer grants more (for diagnostics). */
  get sendWindow(): number {
    return this.#sendWindow;
  }

  /** Sends WindowUpdate+SYN; the delta is 0 unless `maxStreamWindow` is above 256 KiB (as Go). */
  [kOpen](): void {
    this.#sendWindowUpdate(Flag.SYN);
  }

  /** Sends WindowUpdate+ACK: the application took the stream (Go sends it on Accept). */
  [kAccept](): void {
    this.#state = 'established';
    this.#sendWindowUpdate(Flag.ACK);
  }

  /**
   * Handles a Data or WindowUpdate frame for this stream: flags first, then the payload or
   * delta (protocol §2.1). Throws a coded error for protocol violations; the session then
   * ends with GoAway(protocol error).
   */
  [kReceive](frame: FrameParts): void {
    const finBefore = this.#remoteFin;
    const length = frame.type === FrameType.Data ? frame.length : 0;
    if ((frame.flags & Flag.ACK) !== 0 && this.#state === 'syn-sent') {
      this.#state = 'established';
      this.#host.established(this);
    }
    if ((frame.flags & Flag.FIN) !== 0) {
      if (this.#remoteFin) {
        throw new SdkError('PKR_ERR_YAMUX_UNEXPECTED_FLAG', `second FIN on yamux stream ${this.id}`, {
          details: { streamId: this.id },
        });
      }
      this.#remoteFin = true;
    }
    if ((frame.flags & Flag.RST) !== 0) {
      this.#resetByPeer();
      return;
    }
    if (frame.type === FrameType.WindowUpdate) {
      this.#sendWindow = Math.min(this.#sendWindow + frame.length, 0xffffffff);
      this.#pump();
    } else if (length > 0) {
      if (length > this.#recvWindow) {
        throw new SdkError(
          'PKR_ERR_YAMUX_WINDOW_EXCEEDED',
          `yamux stream ${this.id} received ${length} bytes with a window of ${this.#recvWindow}`,
          { details: { streamId: this.id, length, window: this.#recvWindow } },
        );
      }
      this.#recvWindow -= length;
      if (finBefore || this.destroyed) {
        this.#host.log('warn', 'yamux: discarding data after the stream was closed', {
          streamId: this.id,
          length,
        });
      } else {
        for (const part of frame.parts) this.#queue.push(part);
        this.#queued += length;
      }
    }
    if (this.#remoteFin && this.#localFin) this.#release();
    if (!finBefore && (this.#remoteFin || length > 0)) this.#flush();
  }

  /** The session ended: no frame may be sent any more; the stream fails with `err`. */
  [kAbort](err: Error): void {
    this.#released = true;
    this.#clearCloseTimer();
    if (!this.destroyed) this.destroy(err);
  }

  override _read(): void {
    this.#wantRead = true;
    this.#flush();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (this.#released || this.#host.ended()) {
      callback(streamClosed(this.id));
      return;
    }
    this.#pending = { chunk, offset: 0, callback };
    this.#pump();
  }

  override _final(callback: (err?: Error | null) => void): void {
    if (this.#released || this.#host.ended()) {
      callback(streamClosed(this.id));
      return;
    }
    this.#localFin = true;
    this.#host.sendFrame(FrameType.WindowUpdate, Flag.FIN, this.id, 0);
    if (this.#remoteFin) {
      this.#release();
    } else if (this.#host.config.streamCloseTimeoutMs > 0) {
      // Go v0.1.x: a peer that never answers our FIN must not pin the stream forever.
      this.#closeTimer = setTimeout(() => this.#closeTimedOut(), this.#host.config.streamCloseTimeoutMs);
      this.#closeTimer.unref();
    }
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.#clearCloseTimer();
    const pending = this.#pending;
    this.#pending = undefined;
    this.#queue.length = 0;
    this.#queued = 0;
    if (!this.#released) {
      this.#released = true;
      if (!this.#host.ended()) this.#host.sendFrame(FrameType.WindowUpdate, Flag.RST, this.id, 0);
      this.#host.release(this);
    }
    pending?.callback(err ?? streamClosed(this.id));
    callback(err);
  }

  /** Moves queued payload into the Readable while it wants more, then EOF after the peer's FIN. */
  #flush(): void {
    if (this.#flushing || this.destroyed) return;
    this.#flushing = true;
    try {
      while (this.#wantRead && this.#queue.length > 0) {
        const chunk = this.#queue.shift()!;
        this.#queued -= chunk.length;
        this.#wantRead = this.push(chunk);
      }
      if (this.#remoteFin && this.#queue.length === 0 && !this.#eofPushed) {
        this.#eofPushed = true;
        this.push(null);
      }
    } finally {
      this.#flushing = false;
    }
    this.#maybeUpdateWindow();
  }

  /**
   * Go's rule: grant the peer what the application has consumed, once that is at least half
   * the maximum window. Bytes still in the Readable's buffer count as unconsumed, so a
   * stalled reader stalls the peer instead of growing memory.
   */
  #maybeUpdateWindow(): void {
    if (this.#released || this.#remoteFin || this.#state !== 'established' || this.destroyed) return;
    const max = this.#host.config.maxStreamWindow;
    const delta = max - (this.#queued + this.readableLength) - this.#recvWindow;
    if (delta >= max / 2) this.#sendWindowUpdate(0);
  }

  #sendWindowUpdate(flags: number): void {
    const max = this.#host.config.maxStreamWindow;
    const delta = Math.max(0, max - (this.#queued + this.readableLength) - this.#recvWindow);
    this.#recvWindow += delta;
    this.#host.sendFrame(FrameType.WindowUpdate, flags, this.id, delta);
  }

  /** Sends as much of the pending chunk as the window and the connection allow. */
  #pump(): void {
    if (!this.#pending || this.#awaitingWritable || this.#sendWindow === 0 || this.#released) return;
    this.#awaitingWritable = true;
    this.#host.whenWritable(this.#writeSome);
  }

  readonly #writeSome = (): void => {
    this.#awaitingWritable = false;
    const pending = this.#pending;
    if (!pending || this.#released || this.#host.ended()) return;
    let writable = true;
    while (writable && pending.offset < pending.chunk.length && this.#sendWindow > 0) {
      const n = Math.min(this.#sendWindow, pending.chunk.length - pending.offset, MAX_FRAME_PAYLOAD);
      const payload = pending.chunk.subarray(pending.offset, pending.offset + n);
      pending.offset += n;
      this.#sendWindow -= n;
      writable = this.#host.sendFrame(FrameType.Data, 0, this.id, payload);
    }
    if (pending.offset === pending.chunk.length) {
      this.#pending = undefined;
      pending.callback();
    } else {
      this.#pump();
    }
  };

  #resetByPeer(): void {
    const wasEstablished = this.#state === 'established';
    const err = new SdkError('PKR_ERR_YAMUX_STREAM_RESET', `yamux stream ${this.id} was reset by the peer`, {
      details: { streamId: this.id },
    });
    this.#released = true;
    this.#clearCloseTimer();
    this.#host.release(this, wasEstablished ? undefined : err);
    this.destroy(err);
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#clearCloseTimer();
    this.#host.release(this);
  }

  #closeTimedOut(): void {
    this.#closeTimer = undefined;
    if (this.#released || this.#host.ended()) return;
    this.#host.log('warn', 'yamux: the peer did not close the stream in time; resetting it', {
      streamId: this.id,
    });
    this.#released = true;
    this.#host.sendFrame(FrameType.WindowUpdate, Flag.RST, this.id, 0);
    this.#host.release(this);
    this.destroy(
      new SdkError('PKR_ERR_YAMUX_CLOSE_TIMEOUT', `yamux stream ${this.id}: no FIN from the peer in time`, {
        details: { streamId: this.id, timeoutMs: this.#host.config.streamCloseTimeoutMs },
      }),
    );
  }

  #clearCloseTimer(): void {
    if (this.#closeTimer !== undefined) clearTimeout(this.#closeTimer);
    this.#closeTimer = undefined;
  }
}

function streamClosed(id: number): SdkError {
  return new SdkError('PKR_ERR_YAMUX_STREAM_CLOSED', `yamux stream ${id} is closed`, {
    details: { streamId: id },
  });
}
