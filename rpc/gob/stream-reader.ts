import { SdkError, isSdkError } from '../../errors/index.js';
import { GobStreamDecoder } from './decoder.js';
import type { GobValue } from './value.js';
import type { WireType } from './wire-type.js';

export interface GobChunkReaderOptions {
  /** Most bytes buffered while a value is incomplete (default 1 MiB); beyond it the stream is refused. */
  readonly maxBufferedBytes?: number;
  /** Passed to the decoder. */
  readonly maxDepth?: number;
}

function isTruncation(err: unknown): boolean {
  return isSdkError(err, 'PKR_ERR_GOB_DECODE') && err.details.truncated === true;
}

/**
 * Decodes a gob stream that arrives in chunks (the data of a mux stream). A value comes out as
 * soon as its last byte arrives; type definitions carry over between values, as on one Go
 * decoder. An incomplete value is retried from its first byte when more arrive, so buffering
 * is capped: a value larger than `maxBufferedBytes` fails instead of growing without bound.
 */
export class GobChunkReader {
  readonly #maxBuffered: number;
  readonly #maxDepth: number | undefined;
  #pending: Uint8Array = new Uint8Array(0);
  #types: ReadonlyMap<number, WireType> = new Map();
  #received = 0;
  #triedThrough = 0; // complete-message bytes already known not to finish a value

  constructor(options: GobChunkReaderOptions = {}) {
    this.#maxBuffered = options.maxBufferedBytes ?? 1 << 20;
    this.#maxDepth = options.maxDepth;
  }

  /** Adds a chunk and returns the values it completed (often none). */
  push(chunk: Uint8Array): GobValue[] {
    this.#received += chunk.length;
    if (chunk.length === 0) return [];
    const merged = new Uint8Array(this.#pending.length + chunk.length);
    merged.set(this.#pending);
    merged.set(chunk, this.#pending.length);
    this.#pending = merged;
    const out: GobValue[] = [];
    // Decoding again only when a message completed keeps the work linear in messages, not chunks.
    while (this.#completeMessagesEnd() > this.#triedThrough) {
      const decoder = new GobStreamDecoder(this.#pending, {
        types: this.#types,
        ...(this.#maxDepth === undefined ? {} : { maxDepth: this.#maxDepth }),
      });
      let value: GobValue | undefined;
      try {
        value = decoder.next();
      } catch (err) {
        if (!isTruncation(err)) throw err;
      }
      if (value === undefined) {
        // Incomplete: keep the type definitions read so far and drop their bytes.
        this.#triedThrough = this.#completeMessagesEnd();
        if (decoder.typesEnd > 0) {
          this.#types = decoder.typesAtTypesEnd;
          this.#pending = this.#pending.slice(decoder.typesEnd);
          this.#triedThrough -= decoder.typesEnd;
        }
        break;
      }
      out.push(value);
      this.#types = new Map(decoder.types);
      this.#pending = this.#pending.slice(decoder.offset);
      this.#triedThrough = 0;
    }
    if (this.#pending.length > this.#maxBuffered) {
      throw new SdkError(
        'PKR_ERR_GOB_DECODE',
        `gob: ${this.#pending.length} bytes buffered without a complete value`,
        {
          details: { offset: this.#received, truncated: false },
        },
      );
    }
    return out;
  }

  /** The end of the last complete message in the buffer (0 when none is complete). */
  #completeMessagesEnd(): number {
    let at = 0;
    for (;;) {
      let length = 0;
      let pos = at;
      const first = this.#pending[pos];
      if (first === undefined) return at;
      pos++;
      if (first < 0x80) {
        length = first;
      } else {
        const n = 256 - first;
        if (n > 8) return Number.MAX_SAFE_INTEGER; // malformed: let the decoder report it
        if (pos + n > this.#pending.length) return at;
        for (let i = 0; i < n; i++) length = length * 256 + this.#pending[pos + i]!;
        pos += n;
      }
      if (pos + length > this.#pending.length) return at;
      at = pos + length;
    }
  }

  /** True when bytes are buffered that do not yet form a complete value. */
  get hasPartialValue(): boolean {
    return this.#pending.length > 0;
  }

  /** Bytes received so far. */
  get received(): number {
    return this.#received;
  }
}
