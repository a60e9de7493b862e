import { SdkError, isSdkError } from '../../errors/index.js';
import { decodeScanned } from './decode.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_MESSAGE_BYTES } from './options.js';
import { NEED_MORE, ValueScanner } from './value-scanner.js';

export interface StreamDecoderOptions {
  /** Largest accepted value (a net/rpc header or body) in bytes. Default 64 MiB. */
  maxMessageBytes?: number;
  /** Deepest accepted nesting. Default 256. */
  maxDepth?: number;
}

const EMPTY = new Uint8Array(0);

/**
 * Cuts a byte stream into msgpack values, however the stream was split into chunks. Go's
 * net/rpc codec writes values back to back with no framing (protocol §3.1), so the only way
 * to find a message's end is to walk its structure; that happens as bytes arrive, and a value
 * larger than `maxMessageBytes` is refused as soon as its header says so. Pure: no I/O.
 *
 * After any error the decoder stays failed and rethrows it.
 *
 * @example
 * const decoder = new MsgpackStreamDecoder();
 * socket.on('data', (chunk) => {
 *   decoder.push(chunk);
 *   for (let next = decoder.next(); next; next = decoder.next()) handle(next.value);
 * });
 * socket.on('end', () => decoder.finish());
 */
export class MsgpackStreamDecoder {
  readonly #scanner: ValueScanner;
  /** Buffered bytes live in #buf[#start, #end); #owned says whether #buf is ours to write into. */
  #buf: Uint8Array = EMPTY;
  #start = 0;
  #end = 0;
  #owned = false;
  /** Stream offset of #buf[#start], for error details. */
  #offset = 0;
  #failure: SdkError | undefined;

  constructor(options: StreamDecoderOptions = {}) {
    this.#scanner = new ValueScanner(
      options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      options.maxDepth ?? DEFAULT_MAX_DEPTH,
    );
  }

  /** Bytes received but not yet returned as values. */
  get bufferedBytes(): number {
    return this.#end - this.#start;
  }

  /** Adds bytes from the stream (do not modify `chunk` afterwards). Nothing is decoded until `next()`. */
  push(chunk: Uint8Array): void {
    if (this.#failure) throw this.#failure;
    if (chunk.byteLength === 0) return;
    const buffered = this.#end - this.#start;
    if (buffered === 0) {
      // The common case (one message per read): no copy until a value spans chunks.
      this.#buf = chunk;
      this.#start = 0;
      this.#end = chunk.byteLength;
      this.#owned = false;
      return;
    }
    if (this.#owned && this.#buf.byteLength - this.#end >= chunk.byteLength) {
      this.#buf.set(chunk, this.#end);
      this.#end += chunk.byteLength;
      return;
    }
    // Grow geometrically so a value arriving in many small chunks is copied O(n) times overall.
    const grown = new Uint8Array(Math.max(buffered + chunk.byteLength, buffered * 2, 4096));
    grown.set(this.#buf.subarray(this.#start, this.#end));
    grown.set(chunk, buffered);
    this.#buf = grown;
    this.#start = 0;
    this.#end = buffered + chunk.byteLength;
    this.#owned = true;
  }

  /**
   * The next complete value as `{ value }`, or `undefined` when more bytes are needed. Throws
   * a coded error (`PKR_ERR_MSGPACK_DECODE`, `PKR_ERR_MSGPACK_TOO_LARGE`) on bad input.
   */
  next(): { value: unknown } | undefined {
    if (this.#failure) throw this.#failure;
    if (this.#start === this.#end) return undefined;
    try {
      const length = this.#scanner.scan(this.#buf, this.#start, this.#end - this.#start);
      if (length === NEED_MORE) return undefined;
      // A private copy: decoded bin values are views into it, and #buf may be reused.
      const bytes = new Uint8Array(length);
      bytes.set(this.#buf.subarray(this.#start, this.#start + length));
      const mayHoldInt64 = this.#scanner.sawInt64;
      this.#scanner.reset();
      this.#consume(length);
      return { value: decodeScanned(bytes, mayHoldInt64) };
    } catch (err) {
      throw this.#fail(err);
    }
  }

  /**
   * Call when the stream has ended: throws `PKR_ERR_MSGPACK_TRUNCATED` if it stopped inside a
   * value. Values still complete in the buffer must be taken with `next()` first.
   */
  finish(): void {
    if (this.#failure) throw this.#failure;
    if (this.#start !== this.#end) {
      throw this.#fail(
        new SdkError('PKR_ERR_MSGPACK_TRUNCATED', 'the stream ended inside a msgpack value', {
          details: { offset: this.#offset, bufferedBytes: this.#end - this.#start },
        }),
      );
    }
  }

  #consume(length: number): void {
    this.#start += length;
    this.#offset += length;
    if (this.#start === this.#end) {
      // Drop the reference so a large finished message does not stay alive.
      this.#buf = EMPTY;
      this.#start = this.#end = 0;
      this.#owned = false;
    }
  }

  #fail(err: unknown): SdkError {
    const failure = isSdkError(err)
      ? new SdkError(err.code, err.message, {
          cause: err.cause,
          details: { ...err.details, valueOffset: this.#offset },
        })
      : new SdkError('PKR_ERR_MSGPACK_DECODE', `invalid msgpack: ${String(err)}`, { cause: err });
    this.#failure = failure;
    this.#buf = EMPTY;
    this.#start = this.#end = 0;
    return failure;
  }
}
