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

/**
 * A decoded frame whose payload is a list of pieces instead of one buffer, so that a payload
 * cut across socket reads reaches the stream without being copied together first.
 */
export interface FrameParts extends FrameHeader {
  /** The Data payload in order (`length` bytes in all); empty for other frame types. */
  readonly parts: readonly Buffer[];
}

const EMPTY = Buffer.alloc(0);
const NO_PARTS: readonly Buffer[] = Object.freeze([]);

/**
 * Turns a byte stream cut at arbitrary places into yamux frames. It holds at most one
 * header plus one payload of at most `maxDataLength` bytes between calls, so a peer cannot
 * make it buffer without bound; the length is checked as soon as the header is complete.
 *
 * Payloads are handed out as views of the pushed chunks when they make up at least half of
 * the memory those views keep alive, and copied otherwise: a bulk transfer is not copied,
 * and a small payload never pins a large socket chunk in memory (at most twice its size is
 * held for it). Pushed chunks must therefore not be modified afterwards, which holds for
 * what sockets and other Node streams emit.
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
    this.#add(chunk);
    for (let header = this.#next(); header !== undefined; header = this.#next()) {
      const parts = this.#take(header);
      onFrame({
        type: header.type,
        flags: header.flags,
        streamId: header.streamId,
        length: header.length,
        payload: parts.length === 0 ? EMPTY : parts.length === 1 ? parts[0]! : Buffer.concat(parts),
      });
    }
  }

  /**
   * Like {@link push}, but a Data payload that arrived in several chunks comes as several
   * pieces (`parts`) rather than being joined into one buffer: what a receiver that queues
   * the bytes anyway wants.
   */
  pushParts(chunk: Uint8Array, onFrame: (frame: FrameParts) => void): void {
    this.#add(chunk);
    for (let header = this.#next(); header !== undefined; header = this.#next()) {
      onFrame({
        type: header.type,
        flags: header.flags,
        streamId: header.streamId,
        length: header.length,
        parts: this.#take(header),
      });
    }
  }

  /** Convenience for tests and tools: every frame `chunk` completes. */
  decode(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    this.push(chunk, (frame) => frames.push(frame));
    return frames;
  }

  #add(chunk: Uint8Array): void {
    if (this.#failure) throw this.#failure;
    if (chunk.length > 0) {
      this.#chunks.push(
        Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length),
      );
      this.#buffered += chunk.length;
    }
  }

  /** The header of the next frame once the whole frame is buffered, else undefined. */
  #next(): FrameHeader | undefined {
    if (this.#header === undefined) {
      if (this.#buffered < HEADER_SIZE) return undefined;
      this.#header = this.#readHeader();
    }
    const header = this.#header;
    if (header.type === FrameType.Data && this.#buffered < header.length) return undefined;
    this.#header = undefined;
    return header;
  }

  /** Consumes the payload of `header`'s frame (which is fully buffered). */
  #take(header: FrameHeader): readonly Buffer[] {
    const length = header.type === FrameType.Data ? header.length : 0;
    if (length === 0) return NO_PARTS;
    const first = this.#chunks[0]!;
    const start = this.#head;
    if (first.length - start >= length) {
      // One chunk: a view when the payload is at least half of the memory it keeps alive.
      this.#skip(length);
      return [
        length * 2 >= first.buffer.byteLength
          ? first.subarray(start, start + length)
          : copyOf(first, start, length),
      ];
    }
    const parts: Buffer[] = [];
    let pinned = 0;
    let lastBuffer: ArrayBufferLike | undefined;
    let left = length;
    let head = start;
    for (const chunk of this.#chunks) {
      const piece = Math.min(left, chunk.length - head);
      parts.push(chunk.subarray(head, head + piece));
      if (chunk.buffer !== lastBuffer) pinned += chunk.buffer.byteLength;
      lastBuffer = chunk.buffer;
      left -= piece;
      head = 0;
      if (left === 0) break;
    }
    this.#skip(length);
    // Cut across reads: views of each when together they keep at most twice the payload
    // alive (a bulk transfer), else one copy (a small message straddling two reads).
    return length * 2 >= pinned ? parts : [Buffer.concat(parts, length)];
  }

  #readHeader(): FrameHeader {
    let header: FrameHeader;
    try {
      const first = this.#chunks[0]!;
      header =
        first.length - this.#head >= HEADER_SIZE
          ? decodeHeader(first, this.#head)
          : decodeHeader(this.#peekHeader());
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

  /** A copy of the header bytes when they are split across chunks. */
  #peekHeader(): Buffer {
    const out = Buffer.allocUnsafe(HEADER_SIZE);
    let filled = 0;
    let head = this.#head;
    for (const chunk of this.#chunks) {
      const piece = Math.min(HEADER_SIZE - filled, chunk.length - head);
      chunk.copy(out, filled, head, head + piece);
      filled += piece;
      head = 0;
      if (filled === HEADER_SIZE) break;
    }
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

function copyOf(chunk: Buffer, start: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  chunk.copy(out, 0, start, start + length);
  return out;
}
