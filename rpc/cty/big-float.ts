import { SdkError } from '../../errors/index.js';
import type { Decimal } from './number.js';
import {
  binaryToDecimal,
  bitLength,
  decimalInt64,
  decimalToFloat,
  floatParts,
  formatDecimal,
  parseDecimal,
} from './number.js';
import type { CtyValueOf } from './value.js';
import { ctyNumber } from './value.js';

/**
 * Go's math/big.Float GobEncode layout (floatmarsh.go): version byte 1; one byte
 * mode<<5 | (acc+1)<<3 | form<<1 | neg; uint32 precision; and for finite values an int32
 * exponent and the mantissa words, big-endian, most significant first. The value is
 * 0.mantissa × 2^exponent with the mantissa's top bit set.
 *
 * The precision follows how go-cty builds numbers: integers that fit int64 as
 * NumberIntVal (precision 64), other float64 values as NumberFloatVal (53), larger integers
 * as big.Int (their bit length, at least 64), and any other decimal as ParseNumberVal (512).
 */

const FORM_ZERO = 0;
const FORM_FINITE = 1;
const FORM_INF = 2;
const PARSE_PRECISION = 512;
/** Bounds on what a peer may send, so converting to decimal stays cheap. */
const MAX_MANTISSA_BYTES = 256;
const MAX_BINARY_EXPONENT = 40_000;

type Accuracy = -1 | 0 | 1;

interface BigFloat {
  prec: number;
  acc: Accuracy;
  form: number;
  neg: boolean;
  exp: number;
  /** Mantissa with exactly `words` × 64 bits, top bit set (finite form only). */
  mant: bigint;
  words: number;
}

function encodeBigFloat(f: BigFloat): Uint8Array {
  const finite = f.form === FORM_FINITE;
  const out = new Uint8Array(6 + (finite ? 4 + f.words * 8 : 0));
  const view = new DataView(out.buffer);
  out[0] = 1;
  out[1] = (((f.acc + 1) & 3) << 3) | ((f.form & 3) << 1) | (f.neg ? 1 : 0);
  view.setUint32(2, f.prec);
  if (finite) {
    view.setInt32(6, f.exp);
    let m = f.mant;
    for (let i = out.length - 1; i >= 10; i--) {
      out[i] = Number(m & 0xffn);
      m >>= 8n;
    }
  }
  return out;
}

/** setBits64/SetInt: an exact integer with precision max(bitlen, 64). */
function fromInteger(neg: boolean, abs: bigint): BigFloat {
  const bits = bitLength(abs);
  const prec = Math.max(bits, 64);
  if (abs === 0n) return { prec, acc: 0, form: FORM_ZERO, neg, exp: 0, mant: 0n, words: 0 };
  const words = Math.ceil(prec / 64);
  return { prec, acc: 0, form: FORM_FINITE, neg, exp: bits, mant: abs << BigInt(words * 64 - bits), words };
}

/** SetFloat64: precision 53, one mantissa word. */
function fromFloat64(x: number): BigFloat {
  const neg = x < 0 || Object.is(x, -0);
  if (x === 0) return { prec: 53, acc: 0, form: FORM_ZERO, neg, exp: 0, mant: 0n, words: 0 };
  if (!Number.isFinite(x)) return { prec: 53, acc: 0, form: FORM_INF, neg, exp: 0, mant: 0n, words: 0 };
  const { mant, exp2 } = floatParts(x);
  const bits = bitLength(mant);
  return {
    prec: 53,
    acc: 0,
    form: FORM_FINITE,
    neg,
    exp: exp2 + bits,
    mant: mant << BigInt(64 - bits),
    words: 1,
  };
}

/** A decimal fraction rounded to nearest-even at `prec` bits, with the accuracy Go records. */
function fromFraction(d: Decimal, prec: number): BigFloat {
  const den = 10n ** BigInt(-d.exp10);
  const num = d.digits;
  // Choose a scale s so that num·2^s / den has exactly `prec` bits.
  let s = prec - (bitLength(num) - bitLength(den));
  let q = 0n;
  let r = 0n;
  let div = den;
  for (let attempt = 0; attempt < 3; attempt++) {
    const n = s >= 0 ? num << BigInt(s) : num;
    div = s >= 0 ? den : den << BigInt(-s);
    q = n / div;
    r = n % div;
    const bits = bitLength(q);
    if (bits === prec) break;
    s += prec - bits;
  }
  let inc = false;
  if (r !== 0n) {
    const twice = r * 2n;
    inc = twice > div || (twice === div && (q & 1n) === 1n);
  }
  if (inc) q += 1n;
  if (bitLength(q) > prec) {
    q >>= 1n;
    s -= 1;
  }
  const acc: Accuracy = r === 0n ? 0 : inc !== d.neg ? 1 : -1;
  const words = Math.ceil(prec / 64);
  let mant = q << BigInt(words * 64 - prec);
  let used = words;
  while (used > 1 && (mant & ((1n << 64n) - 1n)) === 0n) {
    // Trailing zero words may be left out (Go's mantissa slice may be shorter than prec needs).
    mant >>= 64n;
    used--;
  }
  return { prec, acc, form: FORM_FINITE, neg: d.neg, exp: prec - s, mant, words: used };
}

/** `(*big.Float).GobEncode()` of a cty number value, as go-cty would hold it. */
export function bigFloatGobBytes(number: CtyValueOf<'number'>): Uint8Array {
  if (number.decimal === undefined) {
    const x = number.value;
    if (Number.isInteger(x) && Math.abs(x) < 2 ** 63) {
      const abs = BigInt(Math.abs(x));
      const f = fromInteger(x < 0, abs);
      return encodeBigFloat({ ...f, prec: 64, words: f.form === FORM_FINITE ? 1 : 0 });
    }
    return encodeBigFloat(fromFloat64(x));
  }
  const d = parseDecimal(number.decimal);
  if (!d) throw new SdkError('PKR_ERR_CTY_VALUE', `invalid decimal ${JSON.stringify(number.decimal)}`);
  if (d.exp10 >= 0) {
    const int64 = decimalInt64(d);
    const abs = d.digits * 10n ** BigInt(d.exp10);
    if (int64 !== undefined) {
      const f = fromInteger(d.neg, abs);
      return encodeBigFloat({ ...f, prec: 64 });
    }
    return encodeBigFloat(fromInteger(d.neg, abs));
  }
  return encodeBigFloat(fromFraction(d, PARSE_PRECISION));
}

function bigFloatError(message: string): SdkError {
  return new SdkError('PKR_ERR_CTY_VALUE', `math/big.Float gob: ${message}`, {});
}

/** Reads `(*big.Float).GobEncode()` bytes into a cty number value (exact). */
export function numberFromBigFloatGob(bytes: Uint8Array): CtyValueOf<'number'> {
  if (bytes.length === 0) return { kind: 'number', value: 0 };
  if (bytes.length < 6) throw bigFloatError('buffer too small');
  if (bytes[0] !== 1) throw bigFloatError(`encoding version ${bytes[0]} not supported`);
  const b = bytes[1]!;
  const form = (b >> 1) & 3;
  const neg = (b & 1) === 1;
  if (form === FORM_ZERO) return { kind: 'number', value: neg ? -0 : 0 };
  if (form === FORM_INF) return { kind: 'number', value: neg ? -Infinity : Infinity };
  if (form !== FORM_FINITE) throw bigFloatError(`invalid form ${form}`);
  if (bytes.length < 10) throw bigFloatError('buffer too small for a finite value');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const exp = view.getInt32(6);
  const mantBytes = bytes.subarray(10);
  if (mantBytes.length > MAX_MANTISSA_BYTES)
    throw bigFloatError(`mantissa of ${mantBytes.length} bytes is too long`);
  let mant = 0n;
  for (const byte of mantBytes) mant = (mant << 8n) | BigInt(byte);
  if (mant === 0n) throw bigFloatError('finite value with a zero mantissa');
  const exp2 = exp - mantBytes.length * 8;
  if (Math.abs(exp2) > MAX_BINARY_EXPONENT)
    throw bigFloatError(`exponent ${exp} is out of the supported range`);
  const exact = binaryToDecimal(neg, mant, exp2);
  const { value, exact: isFloat } = decimalToFloat(exact);
  if (isFloat) return { kind: 'number', value };
  const prec = view.getUint32(2);
  return ctyNumber(
    formatDecimal(shortestDecimal(exact, mant, exp2, exp - Math.min(prec, MAX_MANTISSA_BYTES * 8) - 1)),
  );
}

/**
 * The shortest decimal closer to mant × 2^exp2 than half a unit in the last place (2^halfUlp2),
 * i.e. the digits Go's Text('f', -1) prints for a Float of that precision.
 */
function shortestDecimal(exact: Decimal, mant: bigint, exp2: number, halfUlp2: number): Decimal {
  const k = Math.max(0, -exp2, -halfUlp2);
  const v = mant << BigInt(exp2 + k);
  const h = 1n << BigInt(halfUlp2 + k);
  const digits = exact.digits.toString();
  const top = digits.length - 1 + exact.exp10; // decimal exponent of the leading digit
  const round = (n: number): Decimal | undefined => {
    const drop = 10n ** BigInt(digits.length - n);
    let r = exact.digits / drop;
    const rest = exact.digits % drop;
    if (rest * 2n > drop || (rest * 2n === drop && (r & 1n) === 1n)) r += 1n;
    const p = top - n + 1; // candidate = r × 10^p
    const diff =
      p >= 0 ? r * 10n ** BigInt(p) * (1n << BigInt(k)) - v : (r << BigInt(k)) - v * 10n ** BigInt(-p);
    const bound = p >= 0 ? h : h * 10n ** BigInt(-p);
    return (diff < 0n ? -diff : diff) < bound ? { neg: exact.neg, digits: r, exp10: p } : undefined;
  };
  // If n digits are close enough, so are n+1 (the n-digit candidate is one of them), so the
  // shortest length can be found by bisection.
  let lo = 1;
  let hi = digits.length;
  let best: Decimal = exact;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const found = round(mid);
    if (found) {
      best = found;
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  if (lo < digits.length && best === exact) best = round(lo) ?? exact;
  return best;
}
