import { ExtData } from '@msgpack/msgpack';
import { SdkError } from '../../errors/index.js';

// Narrowing for decoded wire values, with Go's decoding rules (protocol §3.3): nil or an absent
// field decodes to the type's zero value; `str` and `bin` are interchangeable for strings and
// bytes; any int form fits an int field when the value is in range; a float fits only when it
// is integral (JSON templates send every number as float64, protocol §0.8). Every failure is a
// PKR_ERR_RPC_VALUE naming the field path, e.g. `Builder.Prepare args.Configs[0]`.

/** A function that narrows one untrusted value; `path` names it in errors. */
export type Narrow<T> = (value: unknown, path: string) => T;

const utf8 = new TextDecoder('utf-8');
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
/** Seconds from 0001-01-01 (Go's internal epoch) to 1970-01-01. */
const GO_UNIX_OFFSET = 62_135_596_800n;
const GO_ZERO_TIME_MS = -62_135_596_800_000;
/** Date's range: ±8.64e15 ms around 1970. */
const MAX_DATE_MS = 8.64e15;

/** True for nil (decoded as null) and for an absent field (undefined). */
export function isNil(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** Names a decoded value's wire type for messages: "string", "bytes", "integer", "map" … */
export function describeWireType(value: unknown): string {
  if (isNil(value)) return 'nil';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'integer';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof Date) return 'time';
  if (value instanceof ExtData) return `ext ${value.type}`;
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'map';
  return typeof value;
}

/** A Go `string` field: `str`, or `bin` read as UTF-8; nil is "". */
export function asString(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return utf8.decode(value);
  if (isNil(value)) return '';
  return fail(path, 'a string', value);
}

/** A Go `[]byte` field: `bin`, or `str` as its UTF-8 bytes; nil is empty. */
export function asBytes(value: unknown, path: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return new Uint8Array(Buffer.from(value, 'utf8'));
  if (isNil(value)) return new Uint8Array(0);
  return fail(path, 'bytes', value);
}

/** A Go `bool` field; nil is false. */
export function asBool(value: unknown, path: string): boolean {
  if (typeof value === 'boolean') return value;
  if (isNil(value)) return false;
  return fail(path, 'a bool', value);
}

/** A Go `int` field that fits a JS number exactly (±(2^53−1)); nil is 0. */
export function asInt(value: unknown, path: string): number {
  const big = integer(value, path);
  if (big < -BigInt(Number.MAX_SAFE_INTEGER) || big > BigInt(Number.MAX_SAFE_INTEGER)) {
    return outOfRange(path, 'an integer within ±(2^53−1)', big);
  }
  return Number(big);
}

/** A Go `uint32` field (broker stream ids); nil is 0. */
export function asUint32(value: unknown, path: string): number {
  const big = integer(value, path);
  if (big < 0n || big > 0xffffffffn) return outOfRange(path, 'a uint32', big);
  return Number(big);
}

/** A Go `int64` field, exact, as a bigint; nil is 0n. */
export function asInt64(value: unknown, path: string): bigint {
  const big = integer(value, path);
  if (big < INT64_MIN || big > INT64_MAX) return outOfRange(path, 'an int64', big);
  return big;
}

/** A Go `uint64` field, exact, as a bigint; nil is 0n. */
export function asUint64(value: unknown, path: string): bigint {
  const big = integer(value, path);
  if (big < 0n || big > UINT64_MAX) return outOfRange(path, 'a uint64', big);
  return big;
}

/** A Go `float64` field: any number form (ints included); nil is 0. */
export function asFloat64(value: unknown, path: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (isNil(value)) return 0;
  return fail(path, 'a number', value);
}

/**
 * A Go slice; nil is []. With `item`, every element is narrowed too (paths `path[i]`).
 *
 * @example
 * const warnings = asArray(reply.Warnings, 'reply.Warnings', asString);
 */
export function asArray(value: unknown, path: string): unknown[];
export function asArray<T>(value: unknown, path: string, item: Narrow<T>): T[];
export function asArray<T>(value: unknown, path: string, item?: Narrow<T>): unknown[] {
  if (isNil(value)) return [];
  if (!Array.isArray(value)) return fail(path, 'an array', value);
  const items = value as unknown[];
  return item === undefined ? items : items.map((v, i) => item(v, `${path}[${i}]`));
}

/**
 * A Go `map[string]T` (keys arrive as `str` or `bin`; the decoder makes both strings); nil is
 * {}. The result has no prototype, so keys such as "constructor" are plain data.
 */
export function asStringMap(value: unknown, path: string): Record<string, unknown>;
export function asStringMap<T>(value: unknown, path: string, item: Narrow<T>): Record<string, T>;
export function asStringMap<T>(value: unknown, path: string, item?: Narrow<T>): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, v] of entries(value, path, 'a map')) {
    out[key] = item === undefined ? v : item(v, `${path}[${JSON.stringify(key)}]`);
  }
  return out;
}

/**
 * A Go struct: a map read by field name, in any key order, unknown keys kept but ignorable,
 * absent fields undefined (narrow them to get Go's zero values); nil is an empty struct.
 *
 * @example
 * const args = asStruct(raw, 'Ui.Machine args');
 * const category = asString(args.Category, 'Ui.Machine args.Category');
 */
export function asStruct(value: unknown, path: string): Readonly<Record<string, unknown>> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, v] of entries(value, path, 'a struct (map)')) out[key] = v;
  return out;
}

/**
 * A Go `time.Time` (`fileInfo.T`): the timestamp ext (decoded as a Date, ugorji 1.2.x), the
 * 15- or 16-byte `MarshalBinary` form (2015 ugorji, upstream Packer 1.6.6), or nil. The zero
 * time and nil give undefined. Sub-millisecond precision is dropped (Date has none).
 */
export function asTime(value: unknown, path: string): Date | undefined {
  if (isNil(value)) return undefined;
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) return fail(path, 'a time', value);
    return ms === GO_ZERO_TIME_MS ? undefined : value;
  }
  if (value instanceof Uint8Array) return goBinaryTime(value, path);
  return fail(path, 'a time', value);
}

/**
 * Narrows a value that Go declares as a pointer (nil allowed): undefined for nil, else `narrow`.
 *
 * @example
 * const error = asOptional(reply.Error, 'reply.Error', asStruct); // *BasicError
 */
export function asOptional<T>(value: unknown, path: string, narrow: Narrow<T>): T | undefined {
  return isNil(value) ? undefined : narrow(value, path);
}

function integer(value: unknown, path: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return BigInt(value);
    return fail(
      path,
      'an integer',
      value,
      Number.isFinite(value) ? ` ${value} with a fraction` : ` ${value}`,
    );
  }
  if (isNil(value)) return 0n;
  return fail(path, 'an integer', value);
}

function entries(value: unknown, path: string, expected: string): Array<[string, unknown]> {
  if (isNil(value)) return [];
  if (value instanceof Map) {
    return [...(value as Map<unknown, unknown>)].map(([key, v]): [string, unknown] => {
      if (typeof key === 'string') return [key, v];
      if (key instanceof Uint8Array) return [utf8.decode(key), v];
      return fail(`${path} key`, 'a string', key);
    });
  }
  if (
    typeof value !== 'object' ||
    Array.isArray(value) ||
    value instanceof Uint8Array ||
    value instanceof Date ||
    value instanceof ExtData
  ) {
    return fail(path, expected, value);
  }
  return Object.entries(value);
}

/** Go's `Time.MarshalBinary`: version, int64 seconds since year 1, int32 ns, int16 zone minutes. */
function goBinaryTime(bytes: Uint8Array, path: string): Date | undefined {
  const version = bytes[0];
  if (!((version === 1 && bytes.byteLength === 15) || (version === 2 && bytes.byteLength === 16))) {
    return fail(path, 'a time', bytes, ` of ${bytes.byteLength} bytes (Go's binary time form has 15 or 16)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const seconds = view.getBigInt64(1);
  const nanos = view.getInt32(9);
  if (nanos < 0 || nanos > 999_999_999) return fail(path, 'a time', bytes, ' with invalid nanoseconds');
  if (seconds === 0n && nanos === 0) return undefined;
  const ms = Number(seconds - GO_UNIX_OFFSET) * 1000 + Math.floor(nanos / 1e6);
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return fail(path, 'a time', bytes, ' outside the range of Date');
  return new Date(ms);
}

function outOfRange(path: string, expected: string, value: bigint): never {
  throw new SdkError('PKR_ERR_RPC_VALUE', `${path}: expected ${expected}, got ${value} (out of range)`, {
    details: { path, expected, got: 'integer' },
  });
}

function fail(path: string, expected: string, value: unknown, extra = ''): never {
  const got = describeWireType(value);
  throw new SdkError('PKR_ERR_RPC_VALUE', `${path}: expected ${expected}, got ${got}${extra}`, {
    details: { path, expected, got },
  });
}
