/**
 * Go's numeric literal rules as text/template applies them (`newNumber`): which of int64,
 * uint64 and float64 a literal such as `0x1F`, `017`, `1_000`, `2.5` or `1e3` denotes.
 */
import { quote } from './go-strconv.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's `underscoreOK`: underscores only between digits or after a base prefix. */
function underscoreOk(literal: string): boolean {
  let s = literal;
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1] ?? '')) {
    i = 2;
    saw = '0';
    hex = s[1] === 'x' || s[1] === 'X';
  }
  for (; i < s.length; i++) {
    const c = s[i] ?? '';
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** `strconv.ParseInt(s, 0, 64)` / `ParseUint`: the exact integer, or undefined when invalid. */
function parseGoInteger(literal: string, signed: boolean): bigint | undefined {
  let s = literal;
  let negative = false;
  if (signed && (s.startsWith('-') || s.startsWith('+'))) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (!underscoreOk(s)) return undefined;
  s = s.replace(/_/g, '');
  let radix = 10;
  let digits = s;
  if (/^0[xX]/.test(s)) [radix, digits] = [16, s.slice(2)];
  else if (/^0[oO]/.test(s)) [radix, digits] = [8, s.slice(2)];
  else if (/^0[bB]/.test(s)) [radix, digits] = [2, s.slice(2)];
  else if (/^0./.test(s)) [radix, digits] = [8, s.slice(1)];
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[radix];
  if (digits === '' || valid === undefined || !valid.test(digits)) return undefined;
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : radix === 2 ? '0b' : '';
  const magnitude = BigInt(prefix + digits);
  const value = negative ? -magnitude : magnitude;
  if (signed ? value < INT64_MIN || value > INT64_MAX : value > UINT64_MAX) return undefined;
  return value;
}

/** `strconv.ParseFloat(s, 64)` for decimal and hexadecimal literals; undefined when invalid or out of range. */
function parseGoFloat(literal: string): number | undefined {
  if (!underscoreOk(literal)) return undefined;
  const s = literal.replace(/_/g, '');
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(s);
  let value: number;
  if (hex) {
    const [, sign = '', whole = '', frac = '', exp = '0'] = hex;
    if (whole === '' && frac === '') return undefined;
    const mantissa = Number(BigInt(`0x${whole}${frac}` === '0x' ? '0' : `0x${whole}${frac}`));
    value = mantissa * 2 ** (Number(exp) - 4 * frac.length);
    if (sign === '-') value = -value;
  } else {
    if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(s)) return undefined;
    value = Number(s);
  }
  return Number.isFinite(value) ? value : undefined;
}

/** Go's `newNumber` for non-rune, non-complex literals: which of int/uint/float the text denotes. */
export function parseNumberLiteral(
  text: string,
): { int: bigint | undefined; uint: bigint | undefined; float: number | undefined } | string {
  let uint = parseGoInteger(text, false);
  let int = parseGoInteger(text, true);
  if (int === 0n) uint = 0n; // "-0" is also unsigned
  let float: number | undefined;
  if (int !== undefined) float = Number(int);
  else if (uint !== undefined) float = Number(uint);
  else {
    const f = parseGoFloat(text);
    if (f !== undefined) {
      if (!/[.eEpP]/.test(text)) return `integer overflow: ${quote(text)}`;
      float = f;
      if (Number.isInteger(f)) {
        const asInt = BigInt(f);
        if (asInt >= INT64_MIN && asInt <= INT64_MAX) int = asInt;
        if (asInt >= 0n && asInt <= UINT64_MAX) uint = asInt;
      }
    }
  }
  if (int === undefined && uint === undefined && float === undefined) {
    return `illegal number syntax: ${quote(text)}`;
  }
  return { int, uint, float };
}
