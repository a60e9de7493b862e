import { SdkError } from '../../errors/index.js';
import {
  decodeHeader,
  FrameType,
  HEADER_SIZE,
  INITIAL_STREAM_WINDOW,
  type Frame,
  type FrameHeader,
} from './frame.js';

export interface FrameDecoderOptions {
  /**
   * Largest Data payload accepted. A peer may never send more than one receive window at
   * once, so the session passes its `maxStreamWindow`. Default: 262144 (Go's default window).
   */
  maxDataLength?: number;
}

const EMPTY = Buffer.alloc(0);

/**
 * Turns a byte stream cut at arbitrary places into yamux frames. It holds at most one
 * header plus one payload of at most `maxDataLength` bytes between calls, so a peer cannot
 * make it buffer without bound; the length is checked as soon as the header is complete.
 *
 * Errors are fail-stop, as in Go (the session ends on the first bad header): after a bad
 * version, type or length every later `push` throws the same coded error.
 *
 * @example
 * const decoder = new FrameDecoder();
 * socket.on('data', (chunk) => decoder.push(chunk, (frame) => handle(frame)));
 */
export class FrameDecoder {
  readonly maxDataLength: number;
  readonly #chunks: Buffer[] = [];
  #head = 0;
  #buffered = 0;
  #header: FrameHeader | undefined;
  #failure: SdkError | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.maxDataLength ?? INITIAL_STREAM_WINDOW;
    if (!Number.isInteger(max) || max < 0 || max > 0xffffffff) {
      throw new SdkError('PKR_ERR_OPTION_INVALID', 'maxDataLength must be an integer in 0..4294967295', {
        details: { maxDataLength: max },
      });
    }
    this.maxDataLength = max;
  }

  /** Bytes held for a frame that is not complete yet. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** The error that stopped this decoder, if any. */
  get failure(): SdkError | undefined {
    return this.#failure;
  }

  /**
   * Adds bytes and calls `onFrame` for every frame they complete, in order. Frames before a
   * bad header are delivered before the error is thrown. If `onFrame` throws, the bytes not
   * yet decoded stay buffered and the exception propagates.
   */
  push(chunk: Uint8Array, onFrame: (frame: Frame) => void): void {
    if (this.#failure) throw this.#failure;
    if (chunk.length > 0) {
      this.#chunks.push(
        Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length),
      );
      this.#buffered += chunk.length;
    }
    for (;;) {
      if (this.#header === undefined) {
        if (this.#buffered < HEADER_SIZE) return;
        this.#header = this.#readHeader();
      }
      const header = this.#header;
      const payloadLength = header.type === FrameType.Data ? header.length : 0;
      if (this.#buffered < payloadLength) return;
      this.#header = undefined;
      // Copied, so a small payload never pins a large socket chunk in memory.
      const payload = payloadLength === 0 ? EMPTY : this.#copy(payloadLength);
      onFrame({
        type: header.type,
        flags: header.flags,
        streamId: header.streamId,
        length: header.length,
        payload,
      });
    }
  }

  /** Convenience for tests and tools: every frame `chunk` completes. */
  decode(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    this.push(chunk, (frame) => frames.push(frame));
    return frames;
  }

  #readHeader(): FrameHeader {
    let header: FrameHeader;
    try {
      const first = this.#chunks[0]!;
      header =
        first.length - this.#head >= HEADER_SIZE
          ? decodeHeader(first, this.#head)
          : decodeHeader(this.#copy(HEADER_SIZE, true));
      if (header.type === FrameType.Data && header.length > this.maxDataLength) {
        throw new SdkError(
          'PKR_ERR_YAMUX_FRAME_TOO_LARGE',
          `yamux Data frame of ${header.length} bytes exceeds the limit of ${this.maxDataLength}`,
          { details: { length: header.length, max: this.maxDataLength, streamId: header.streamId } },
        );
      }
    } catch (err) {
      this.#fail(err);
    }
    this.#skip(HEADER_SIZE);
    return header;
  }

  #fail(err: unknown): never {
    this.#failure =
      err instanceof SdkError
        ? err
        : new SdkError('PKR_ERR_YAMUX_INTERNAL', 'frame decoding failed', { cause: err });
    this.#chunks.length = 0;
    this.#head = 0;
    this.#buffered = 0;
    throw this.#failure;
  }

  /** A copy of the next `n` buffered bytes; unless `peek`, they are consumed. */
  #copy(n: number, peek = false): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let head = this.#head;
    for (const chunk of this.#chunks) {
      const piece = Math.min(n - filled, chunk.length - head);
      chunk.copy(out, filled, head, head + piece);
      filled += piece;
      head = 0;
      if (filled === n) break;
    }
    if (!peek) this.#skip(n);
    return out;
  }

  #skip(n: number): void {
    this.#buffered -= n;
    while (n > 0) {
      const first = this.#chunks[0]!;
      const left = first.length - this.#head;
      if (left > n) {
        this.#head += n;
        return;
      }
      n -= left;
      this.#chunks.shift();
      this.#head = 0;
    }
  }
}
