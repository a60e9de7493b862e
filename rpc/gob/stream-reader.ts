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
    for (;;) {
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
      if (value === undefined) break;
      out.push(value);
      this.#types = new Map(decoder.types);
      this.#pending = this.#pending.slice(decoder.offset);
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

  /** True when bytes are buffered that do not yet form a complete value. */
  get hasPartialValue(): boolean {
    return this.#pending.length > 0;
  }

  /** Bytes received so far. */
  get received(): number {
    return this.#received;
  }
}
