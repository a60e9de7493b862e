import { SdkError } from '../../errors/index.js';

/**
 * cty numbers are arbitrary-precision (Go *big.Float). In TS a number value is a float64 plus,
 * when the float64 is not exactly the number, the exact decimal text. These helpers convert
 * between decimal text, float64 and exact rationals with BigInt.
 */

/** |value| = digits × 10^exp10; digits has no trailing zeros (0 is digits 0, exp10 0). */
export interface Decimal {
  readonly neg: boolean;
  readonly digits: bigint;
  readonly exp10: number;
}

/** Decimal exponents beyond this are refused: they would need huge BigInts to handle exactly. */
export const MAX_DECIMAL_EXPONENT = 10_000;

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

function numberError(message: string): SdkError {
  return new SdkError('PKR_ERR_CTY_VALUE', message, {});
}

function normalize(neg: boolean, digits: bigint, exp10: number): Decimal {
  if (digits === 0n) return { neg, digits: 0n, exp10: 0 };
  while (digits % 10n === 0n) {
    digits /= 10n;
    exp10++;
  }
  return { neg, digits, exp10 };
}

/** Parses decimal text (JSON number syntax, also `+1`, `.5`, `5.`); undefined when invalid. */
export function parseDecimal(text: string): Decimal | undefined {
  const m = DECIMAL.exec(text.trim());
  if (!m) return undefined;
  const [, sign, int = '', frac = '', exp] = m;
  if (int === '' && frac === '') return undefined;
  if (exp !== undefined && exp.replace(/^[+-]/, '').length > 9) return undefined;
  const exp10 = (exp === undefined ? 0 : Number(exp)) - frac.length;
  const digits = BigInt(`${int}${frac}` || '0');
  const d = normalize(sign === '-', digits, exp10);
  const magnitude = d.exp10 + d.digits.toString().length;
  if (d.digits !== 0n && (magnitude > MAX_DECIMAL_EXPONENT || magnitude < -MAX_DECIMAL_EXPONENT)) {
    throw numberError(
      `number ${text.slice(0, 40)} is out of the supported range (|exponent| ≤ ${MAX_DECIMAL_EXPONENT})`,
    );
  }
  return d;
}

/** Positional notation without an exponent, as Go's big.Float Text('f', -1) prints. */
export function formatDecimal(d: Decimal): string {
  if (d.digits === 0n) return d.neg ? '-0' : '0';
  const s = d.digits.toString();
  let body: string;
  if (d.exp10 >= 0) body = s + '0'.repeat(d.exp10);
  else if (-d.exp10 < s.length) body = `${s.slice(0, s.length + d.exp10)}.${s.slice(s.length + d.exp10)}`;
  else body = `0.${'0'.repeat(-d.exp10 - s.length)}${s}`;
  return d.neg ? `-${body}` : body;
}

/** A float64 split into an exact integer mantissa and binary exponent: x = mant × 2^exp2. */
export function floatParts(x: number): { neg: boolean; mant: bigint; exp2: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const neg = hi >>> 31 === 1;
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { neg, mant: frac, exp2: -1074 };
  return { neg, mant: frac | (1n << 52n), exp2: biased - 1075 };
}

/** The exact decimal value of mant × 2^exp2. */
export function binaryToDecimal(neg: boolean, mant: bigint, exp2: number): Decimal {
  if (exp2 >= 0) return normalize(neg, mant << BigInt(exp2), 0);
  return normalize(neg, mant * 5n ** BigInt(-exp2), exp2);
}

/** The exact decimal value of a finite float64. */
export function floatToDecimal(x: number): Decimal {
  const { neg, mant, exp2 } = floatParts(x);
  return binaryToDecimal(neg, mant, exp2);
}

export function decimalEquals(a: Decimal, b: Decimal): boolean {
  if (a.digits === 0n && b.digits === 0n) return true;
  return a.neg === b.neg && a.digits === b.digits && a.exp10 === b.exp10;
}

/** The float64 nearest to `d`, and whether it is exactly `d`. */
export function decimalToFloat(d: Decimal): { value: number; exact: boolean } {
  const value = Number(formatDecimal(d));
  if (!Number.isFinite(value)) return { value, exact: false };
  if (d.digits === 0n) return { value, exact: true };
  return { value, exact: value !== 0 && decimalEquals(floatToDecimal(value), d) };
}

/** Shortest text that reads back as `x`, in positional notation (Text('f', -1) for a float64). */
export function formatFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 2 ** 63) return BigInt(x).toString();
  const d = parseDecimal(String(x));
  if (!d) throw numberError(`cannot format ${x}`);
  return formatDecimal(d);
}

/** Whether `d` is an integer that fits Go's int64. */
export function decimalInt64(d: Decimal): bigint | undefined {
  if (d.exp10 < 0) return undefined;
  const v = d.digits * 10n ** BigInt(d.exp10) * (d.neg ? -1n : 1n);
  return v >= -(1n << 63n) && v < 1n << 63n ? v : undefined;
}

export function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}
