/**
 * A growable byte buffer with gob's primitive encodings. gob writes every unsigned number the
 * same way: below 128 as one byte, otherwise as the negated byte count followed by the
 * big-endian bytes without leading zeros (encoding/gob doc, "Encoding details").
 */
const utf8 = new TextEncoder();
const MAX_UINT64 = (1n << 64n) - 1n;
const MIN_INT64 = -(1n << 63n);
const MAX_INT64 = (1n << 63n) - 1n;

export class ByteWriter {
  #buf = new Uint8Array(64);
  #len = 0;

  get length(): number {
    return this.#len;
  }

  #room(extra: number): void {
    if (this.#len + extra <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  byte(b: number): void {
    this.#room(1);
    this.#buf[this.#len++] = b & 0xff;
  }

  raw(bytes: Uint8Array): void {
    this.#room(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
  }

  /** gob unsigned integer. Throws RangeError outside 0..2^64-1 (callers validate first). */
  uint(value: number | bigint): void {
    if (typeof value === 'number' && value >= 0 && value < 128 && Number.isInteger(value)) {
      this.byte(value);
      return;
    }
    let big = BigInt(value);
    if (big < 0n || big > MAX_UINT64) throw new RangeError(`gob uint out of range: ${big}`);
    if (big < 128n) {
      this.byte(Number(big));
      return;
    }
    const bytes: number[] = [];
    while (big > 0n) {
      bytes.unshift(Number(big & 0xffn));
      big >>= 8n;
    }
    this.byte(256 - bytes.length);
    this.raw(Uint8Array.from(bytes));
  }

  /** gob signed integer: the sign moves into bit 0, complemented when negative. */
  int(value: number | bigint): void {
    const big = BigInt(value);
    if (big < MIN_INT64 || big > MAX_INT64) throw new RangeError(`gob int out of range: ${big}`);
    this.uint(big < 0n ? ((-big - 1n) << 1n) | 1n : big << 1n);
  }

  /** gob float: the IEEE-754 bits byte-reversed, then written as a uint (so zero low bytes vanish). */
  float(value: number): void {
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat64(0, value);
    let reversed = 0n;
    for (let i = 7; i >= 0; i--) reversed = (reversed << 8n) | BigInt(be[i]!);
    this.uint(reversed);
  }

  /** Length-prefixed bytes ([]byte and, after UTF-8 encoding, string). */
  bytes(bytes: Uint8Array): void {
    this.uint(bytes.length);
    this.raw(bytes);
  }

  string(text: string): void {
    this.bytes(utf8.encode(text));
  }

  /** A copy of the written bytes. */
  toBytes(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }

  reset(): void {
    this.#len = 0;
  }
}

/** UTF-8 bytes of a string, as Go holds it. */
export function utf8Bytes(text: string): Uint8Array {
  return utf8.encode(text);
}
