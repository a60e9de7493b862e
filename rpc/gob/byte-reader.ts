import { SdkError } from '../../errors/index.js';

/**
 * The failure every gob read raises. `truncated` tells an incremental reader that more bytes
 * may fix it; anything else is final.
 */
export function gobDecodeError(message: string, offset?: number, truncated = false): SdkError {
  const where = offset === undefined ? '' : ` (at byte ${offset})`;
  return new SdkError('PKR_ERR_GOB_DECODE', `gob: ${message}${where}`, {
    details: { offset: offset ?? null, truncated },
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * Reads gob primitives from `bytes[pos, end)`. Every read checks the bound first, so a lying
 * length can never make it read past the input or allocate more than what remains. When `end`
 * is the end of a complete message (not of the input so far), running past it is corruption,
 * not truncation: `endIsTruncation` says which.
 */
export class ByteReader {
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    public end: number,
    readonly endIsTruncation = true,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  #need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      const left = this.end - this.pos;
      const where = this.endIsTruncation ? 'left' : 'left in the message';
      throw gobDecodeError(`${what}: need ${n} bytes, ${left} ${where}`, this.pos, this.endIsTruncation);
    }
  }

  byte(what = 'byte'): number {
    this.#need(1, what);
    return this.bytes[this.pos++]!;
  }

  /** A gob uint (up to 64 bits). */
  uint(what = 'uint'): bigint {
    const first = this.byte(what);
    if (first < 0x80) return BigInt(first);
    const n = 256 - first;
    if (n > 8) throw gobDecodeError(`${what}: invalid length byte 0x${first.toString(16)}`, this.pos - 1);
    this.#need(n, what);
    let value = 0n;
    for (let i = 0; i < n; i++) value = (value << 8n) | BigInt(this.bytes[this.pos++]!);
    return value;
  }

  /** A gob uint that must fit a JS number (lengths, counts, deltas). */
  uintNumber(what: string, max = Number.MAX_SAFE_INTEGER): number {
    const start = this.pos;
    const value = this.uint(what);
    if (value > BigInt(max)) throw gobDecodeError(`${what} ${value} is too large (max ${max})`, start);
    return Number(value);
  }

  /** A gob int (zig-zag style: bit 0 is the sign, the rest complemented when negative). */
  int(what = 'int'): bigint {
    const u = this.uint(what);
    return (u & 1n) === 1n ? ~(u >> 1n) : u >> 1n;
  }

  intNumber(what: string): number {
    const start = this.pos;
    const value = this.int(what);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw gobDecodeError(`${what} ${value} is out of range`, start);
    }
    return Number(value);
  }

  /** A gob float: a uint whose bytes are the IEEE-754 bits reversed. */
  float(what = 'float'): number {
    let u = this.uint(what);
    const be = new Uint8Array(8);
    for (let i = 0; i < 8; i++) {
      be[i] = Number(u & 0xffn);
      u >>= 8n;
    }
    return new DataView(be.buffer).getFloat64(0);
  }

  /** `n` bytes as a view (no copy); `n` is checked against what remains. */
  take(n: number, what: string): Uint8Array {
    this.#need(n, what);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A length-prefixed byte string, copied out of the input. */
  byteString(what: string): Uint8Array {
    const n = this.uintNumber(`${what} length`);
    return this.take(n, what).slice();
  }

  /** A length-prefixed string. Go strings may hold any bytes; invalid UTF-8 becomes U+FFFD. */
  string(what: string): string {
    const n = this.uintNumber(`${what} length`);
    return utf8.decode(this.take(n, what));
  }
}
