import { Decoder } from '@msgpack/msgpack';
import { SdkError } from '../../errors/index.js';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_MESSAGE_BYTES } from './options.js';
import { NEED_MORE, ValueScanner } from './value-scanner.js';

const utf8 = new TextDecoder('utf-8');

/**
 * Map keys become object keys. Go writes struct and map keys as `str`, but its decoder also
 * takes `bin` keys (protocol §3.3), so those are read as UTF-8 too; int keys keep JS's usual
 * number-to-string conversion. `__proto__` is refused whatever its form, so a decoded map can
 * never replace an object's prototype.
 */
function mapKey(key: unknown): string | number {
  let name: string | number;
  if (typeof key === 'string' || typeof key === 'number') name = key;
  else if (typeof key === 'bigint') name = key.toString();
  else if (key instanceof Uint8Array) name = utf8.decode(key);
  else
    throw new Error(
      `a map key must be a string, bytes or an integer, got ${key === null ? 'nil' : typeof key}`,
    );
  if (name === '__proto__') throw new Error('the map key "__proto__" is not accepted');
  return name;
}

// One shared instance: decoding is synchronous, and the library clones it for re-entrant use.
// useBigInt64 keeps every int64/uint64 exact; `normalizeInts` turns the safe ones back into
// numbers. The default extension codec turns the timestamp ext (−1) into a Date.
const decoder = new Decoder({ useBigInt64: true, mapKeyConverter: mapKey });

export interface DecodeOptions {
  /** Largest accepted value in bytes. Default 64 MiB. */
  maxBytes?: number;
  /** Deepest accepted nesting. Default 256. */
  maxDepth?: number;
}

/**
 * Decodes exactly one msgpack value that fills `bytes`. Ints come back as `number` when
 * within ±(2^53−1) and as `bigint` otherwise; `str` → string; `bin` → Uint8Array; maps →
 * plain objects (see the key rules above); the timestamp ext → Date; other exts → `ExtData`.
 * Throws `PKR_ERR_MSGPACK_TRUNCATED` for a partial value and `PKR_ERR_MSGPACK_DECODE` for
 * anything else wrong (trailing bytes included).
 */
export function decodeMsgpack(bytes: Uint8Array, options: DecodeOptions = {}): unknown {
  const scanner = new ValueScanner(
    options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    options.maxDepth ?? DEFAULT_MAX_DEPTH,
  );
  const length = scanner.scan(bytes, 0, bytes.byteLength);
  if (length === NEED_MORE) {
    throw new SdkError('PKR_ERR_MSGPACK_TRUNCATED', 'the msgpack value is cut short', {
      details: { length: bytes.byteLength },
    });
  }
  if (length !== bytes.byteLength) {
    throw new SdkError(
      'PKR_ERR_MSGPACK_DECODE',
      `invalid msgpack: ${bytes.byteLength - length} bytes follow the value`,
      { details: { offset: length } },
    );
  }
  // A copy, so decoded bin values (views into it) do not change when the caller reuses `bytes`.
  return decodeScanned(new Uint8Array(bytes), scanner.sawInt64);
}

/**
 * Decodes bytes the scanner has already delimited as one complete value. The caller owns
 * `bytes`: decoded `bin` values are views into it.
 */
export function decodeScanned(bytes: Uint8Array, mayHoldInt64: boolean): unknown {
  let value: unknown;
  try {
    value = decoder.decode(bytes);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new SdkError('PKR_ERR_MSGPACK_DECODE', `invalid msgpack: ${reason}`, { cause: err });
  }
  return mayHoldInt64 ? normalizeInts(value) : value;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Replaces bigints within ±(2^53−1) by numbers, in place (depth is bounded by the scanner). */
function normalizeInts(value: unknown): unknown {
  if (typeof value === 'bigint') return value >= -MAX_SAFE && value <= MAX_SAFE ? Number(value) : value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = normalizeInts(value[i]);
  } else if (isDecodedMap(value)) {
    for (const key of Object.keys(value)) value[key] = normalizeInts(value[key]);
  }
  return value;
}

function isDecodedMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
