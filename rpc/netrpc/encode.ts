import { ExtData } from '@msgpack/msgpack';
import { SdkError } from '../../errors/index.js';
import { DEFAULT_MAX_DEPTH } from './options.js';
import { Float64, Unsigned } from './wrappers.js';

// The encoder is our own: @msgpack/msgpack writes positive ints in the unsigned families and
// has no hook to change that, but ugorji 1.2.x (Debian Packer 1.6.6, every Packer >= 1.7) writes
// Go ints in the signed ones (20480 is `d1 5000`, protocol §3.3), and the vectors are byte-exact.

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

export interface EncodeOptions {
  /** Refuse values nested deeper than this (it also catches reference cycles). Default 256. */
  maxDepth?: number;
}

/**
 * Encodes one value as msgpack the way every Packer's Go decoder accepts it: string → `str`,
 * Uint8Array/Buffer → `bin`, integral number or bigint → the smallest signed int form (ugorji
 * 1.2.x style; `Unsigned` for the uint forms), other numbers and `Float64` → float64,
 * null/undefined → nil, arrays → array, plain objects → map in insertion order (a Go struct's
 * field order), Maps → map, `ExtData` → ext. A `Date` is refused: send Go `time.Time` as null.
 *
 * @example
 * encodeMsgpack({ ServiceMethod: 'Ui.Say', Seq: new Unsigned(0) });
 */
export function encodeMsgpack(value: unknown, options: EncodeOptions = {}): Uint8Array {
  const writer = new Writer(options.maxDepth ?? DEFAULT_MAX_DEPTH);
  writer.value(value, 0);
  return writer.finish();
}

/** Where in the value the encoder is, for error messages (`$.FileInfo.T`). */
type PathSegment = string | number;

class Writer {
  #buf = Buffer.allocUnsafe(256);
  #pos = 0;
  readonly #path: PathSegment[] = [];
  readonly #maxDepth: number;

  constructor(maxDepth: number) {
    this.#maxDepth = maxDepth;
  }

  finish(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  value(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'string':
        return this.#string(v);
      case 'number':
        return this.#number(v);
      case 'bigint':
        return this.#bigint(v);
      case 'boolean':
        return this.#u8(v ? 0xc3 : 0xc2);
      case 'undefined':
        return this.#u8(0xc0);
      case 'object':
        if (v === null) return this.#u8(0xc0);
        return this.#object(v, depth);
      default:
        this.#fail(`a ${typeof v} cannot be sent to Go`);
    }
  }

  #object(v: object, depth: number): void {
    if (v instanceof Uint8Array) return this.#binary(v);
    if (v instanceof Float64) return this.#float(v.value);
    if (v instanceof Unsigned) return this.#unsigned(v.value);
    if (v instanceof ExtData) return this.#ext(v);
    if (v instanceof Date) {
      this.#fail(
        'a Date cannot be sent: the two Go decoders in Packer 1.6.6 each reject the other’s time encoding, so send time.Time as null',
      );
    }
    if (depth >= this.#maxDepth)
      this.#fail(`the value nests deeper than ${this.#maxDepth} levels (a cycle?)`);
    if (Array.isArray(v)) return this.#array(v as unknown[], depth + 1);
    if (v instanceof Map) return this.#map(v as Map<unknown, unknown>, depth + 1);
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
      this.#fail(
        `a ${typeof name === 'string' ? name : 'class'} instance cannot be sent; pass a plain object (a Go struct is a map of its fields)`,
      );
    }
    return this.#record(v as Record<string, unknown>, depth + 1);
  }

  #array(items: unknown[], depth: number): void {
    this.#header(items.length, 0x90, 15, 0xdc, 0xdd);
    for (let i = 0; i < items.length; i++) {
      this.#path.push(i);
      this.value(items[i], depth);
      this.#path.pop();
    }
  }

  #record(record: Record<string, unknown>, depth: number): void {
    const keys = Object.keys(record);
    this.#header(keys.length, 0x80, 15, 0xde, 0xdf);
    for (const key of keys) {
      this.#string(key);
      this.#path.push(key);
      this.value(record[key], depth);
      this.#path.pop();
    }
  }

  #map(map: Map<unknown, unknown>, depth: number): void {
    this.#header(map.size, 0x80, 15, 0xde, 0xdf);
    for (const [key, item] of map) {
      this.value(key, depth);
      this.#path.push(typeof key === 'string' || typeof key === 'number' ? key : String(key));
      this.value(item, depth);
      this.#path.pop();
    }
  }

  #string(s: string): void {
    const length = Buffer.byteLength(s, 'utf8');
    // WriteExt handles (every Packer) use str8 `d9` for 32..255 bytes.
    if (length <= 31) this.#u8(0xa0 | length);
    else if (length <= 0xff) this.#u8u8(0xd9, length);
    else if (length <= 0xffff) this.#u8u16(0xda, length);
    else this.#u8u32(0xdb, length);
    this.#ensure(length);
    this.#pos += this.#buf.write(s, this.#pos, length, 'utf8');
  }

  #binary(bytes: Uint8Array): void {
    const length = bytes.byteLength;
    if (length <= 0xff) this.#u8u8(0xc4, length);
    else if (length <= 0xffff) this.#u8u16(0xc5, length);
    else this.#u8u32(0xc6, length);
    this.#raw(bytes);
  }

  #ext(ext: ExtData): void {
    const data = ext.data instanceof Uint8Array ? ext.data : undefined;
    if (data === undefined || !Number.isInteger(ext.type) || ext.type < -128 || ext.type > 127) {
      this.#fail('an ExtData needs an int8 type and Uint8Array data');
    }
    const fixed = [1, 2, 4, 8, 16].indexOf(data.byteLength);
    if (fixed >= 0) this.#u8(0xd4 + fixed);
    else if (data.byteLength <= 0xff) this.#u8u8(0xc7, data.byteLength);
    else if (data.byteLength <= 0xffff) this.#u8u16(0xc8, data.byteLength);
    else this.#u8u32(0xc9, data.byteLength);
    this.#u8(ext.type & 0xff);
    this.#raw(data);
  }

  #number(n: number): void {
    if (!Number.isInteger(n)) return this.#float(n);
    if (Number.isSafeInteger(n)) return this.#signed(n);
    // Integral but beyond 2^53: exact as a bigint (floats this large are whole numbers).
    const big = BigInt(n);
    if (big >= INT64_MIN && big <= UINT64_MAX) return this.#bigint(big);
    return this.#float(n);
  }

  #bigint(big: bigint): void {
    if (big >= -BigInt(Number.MAX_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)) {
      return this.#signed(Number(big));
    }
    if (big >= INT64_MIN && big <= INT64_MAX) {
      this.#u8(0xd3);
      this.#ensure(8);
      this.#pos = this.#buf.writeBigInt64BE(big, this.#pos);
      return;
    }
    if (big > INT64_MAX && big <= UINT64_MAX) return this.#unsigned(big);
    this.#fail(`the integer ${big} does not fit in 64 bits`);
  }

  /** ugorji 1.2.x `EncodeInt`: fixint, else the smallest signed form (128 is `d1 0080`). */
  #signed(n: number): void {
    if (n >= -32 && n <= 127) return this.#u8(n & 0xff);
    if (n >= -128 && n < 0) return this.#u8u8(0xd0, n & 0xff);
    if (n >= -0x8000 && n <= 0x7fff) return this.#u8u16(0xd1, n & 0xffff);
    if (n >= -0x80000000 && n <= 0x7fffffff) return this.#u8u32(0xd2, n >>> 0);
    this.#u8(0xd3);
    this.#ensure(8);
    this.#pos = this.#buf.writeBigInt64BE(BigInt(n), this.#pos);
  }

  /** ugorji `EncodeUint`: fixint up to 127, else the smallest unsigned form. */
  #unsigned(big: bigint): void {
    if (big <= 0x7fn) return this.#u8(Number(big));
    if (big <= 0xffn) return this.#u8u8(0xcc, Number(big));
    if (big <= 0xffffn) return this.#u8u16(0xcd, Number(big));
    if (big <= 0xffffffffn) return this.#u8u32(0xce, Number(big));
    this.#u8(0xcf);
    this.#ensure(8);
    this.#pos = this.#buf.writeBigUInt64BE(big, this.#pos);
  }

  #float(n: number): void {
    this.#u8(0xcb);
    this.#ensure(8);
    this.#pos = this.#buf.writeDoubleBE(n, this.#pos);
  }

  #header(count: number, fixBase: number, fixMax: number, code16: number, code32: number): void {
    if (count <= fixMax) this.#u8(fixBase | count);
    else if (count <= 0xffff) this.#u8u16(code16, count);
    else this.#u8u32(code32, count);
  }

  #u8(byte: number): void {
    this.#ensure(1);
    this.#buf[this.#pos++] = byte;
  }

  #u8u8(code: number, value: number): void {
    this.#ensure(2);
    this.#buf[this.#pos++] = code;
    this.#buf[this.#pos++] = value;
  }

  #u8u16(code: number, value: number): void {
    this.#ensure(3);
    this.#buf[this.#pos++] = code;
    this.#pos = this.#buf.writeUInt16BE(value, this.#pos);
  }

  #u8u32(code: number, value: number): void {
    this.#ensure(5);
    this.#buf[this.#pos++] = code;
    this.#pos = this.#buf.writeUInt32BE(value, this.#pos);
  }

  #raw(bytes: Uint8Array): void {
    this.#ensure(bytes.byteLength);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.byteLength;
  }

  #ensure(extra: number): void {
    const needed = this.#pos + extra;
    if (needed <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.#buf.length * 2));
    this.#buf.copy(grown, 0, 0, this.#pos);
    this.#buf = grown;
  }

  #fail(reason: string): never {
    const path = this.#path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
    throw new SdkError('PKR_ERR_MSGPACK_ENCODE', `cannot encode $${path}: ${reason}`, {
      details: { path: `$${path}` },
    });
  }
}
