import { SdkError } from '../errors/index.js';

/**
 * Go `time.Duration` values, as Packer templates write them (`"5m"`, `"1h30m"`, `"300ms"`).
 * Parsing follows `time.ParseDuration` exactly, overflow rules and float rounding of
 * fractions included, so a template means the same here as in a Go plugin. Values are
 * nanoseconds held in a bigint, because Go's int64 range does not fit a double.
 */

const NANOSECOND = 1n;
const MICROSECOND = 1_000n;
const MILLISECOND = 1_000_000n;
const SECOND = 1_000_000_000n;
const MINUTE = 60n * SECOND;
const HOUR = 60n * MINUTE;

const UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', NANOSECOND],
  ['us', MICROSECOND],
  ['\u00b5s', MICROSECOND], // U+00B5 micro sign
  ['\u03bcs', MICROSECOND], // U+03BC Greek small letter mu
  ['ms', MILLISECOND],
  ['s', SECOND],
  ['m', MINUTE],
  ['h', HOUR],
]);

const TWO_63 = 1n << 63n;
const MAX_DURATION = TWO_63 - 1n;

/** The outcome of {@link tryParseDuration}: nanoseconds, or Go's error text. */
export type DurationParse = { ok: true; ns: bigint } | { ok: false; message: string };

/**
 * Parses a Go duration without throwing. The error texts are Go's (`time: invalid duration
 * "x"`, `time: missing unit …`, `time: unknown unit …`).
 */
export function tryParseDuration(text: string): DurationParse {
  const invalid = (): DurationParse => ({ ok: false, message: `time: invalid duration ${quote(text)}` });
  let s = text;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return { ok: true, ns: 0n };
  if (s === '') return invalid();

  let total = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || isDigit(s[0]))) return invalid();
    // Integer part: Go rejects it once it could exceed 2^63 (leadingInt).
    let v = 0n;
    let i = 0;
    for (; i < s.length && isDigit(s[i]); i++) {
      if (v > TWO_63 / 10n) return invalid();
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > TWO_63) return invalid();
    }
    const pre = i > 0;
    s = s.slice(i);

    // Fraction: digits past int64 precision are dropped, as leadingFraction does.
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      for (; j < s.length && isDigit(s[j]); j++) {
        if (overflow) continue;
        if (f > MAX_DURATION / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(s.charCodeAt(j) - 48);
        if (y > TWO_63) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) return invalid();

    let u = 0;
    while (u < s.length && s[u] !== '.' && !isDigit(s[u])) u++;
    if (u === 0) return { ok: false, message: `time: missing unit in duration ${quote(text)}` };
    const unitName = s.slice(0, u);
    s = s.slice(u);
    const unit = UNITS.get(unitName);
    if (unit === undefined) {
      return { ok: false, message: `time: unknown unit ${quote(unitName)} in duration ${quote(text)}` };
    }
    if (v > TWO_63 / unit) return invalid();
    v *= unit;
    if (f > 0n) {
      // Go computes the fraction in float64 and truncates: uint64(float64(f) * (float64(unit) / scale)).
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > TWO_63) return invalid();
    }
    total += v;
    if (total > TWO_63) return invalid();
  }
  if (neg) return { ok: true, ns: -total };
  if (total > MAX_DURATION) return invalid();
  return { ok: true, ns: total };
}

/**
 * Parses a Go duration string into nanoseconds, exactly like Go's `time.ParseDuration`.
 * @throws SdkError `PKR_ERR_DURATION_INVALID` with Go's message.
 * @example parseDuration('1h2m3.5s') // 3723500000000n
 */
export function parseDuration(text: string): bigint {
  const result = tryParseDuration(text);
  if (!result.ok)
    throw new SdkError('PKR_ERR_DURATION_INVALID', result.message, { details: { value: text } });
  return result.ns;
}

/**
 * Parses a Go duration string into milliseconds (fractional below 1 ms), the unit Node's
 * timers take.
 * @example parseDurationMs('300ms') // 300
 */
export function parseDurationMs(text: string): number {
  return nsToMs(parseDuration(text));
}

/** Nanoseconds as milliseconds (a double; exact for every duration under ~104 days). */
export function nsToMs(ns: bigint): number {
  const whole = ns / MILLISECOND;
  const rest = ns % MILLISECOND;
  return Number(whole) + Number(rest) / 1e6;
}

/**
 * Formats nanoseconds the way Go's `Duration.String()` does: `"1h2m3.5s"`, `"5m0s"`,
 * `"300ms"`, `"1.5µs"`, `"0s"`. Parsing the result gives the same value back.
 */
export function formatDuration(ns: bigint): string {
  if (ns < -TWO_63 || ns > MAX_DURATION) {
    throw new SdkError('PKR_ERR_DURATION_INVALID', `${ns}ns is outside Go's duration range`);
  }
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let out: string;
  if (u < SECOND) {
    if (u === 0n) return '0s';
    let prec: number;
    let unit: string;
    if (u < MICROSECOND) {
      prec = 0;
      unit = 'ns';
    } else if (u < MILLISECOND) {
      prec = 3;
      unit = '\u00b5s';
    } else {
      prec = 6;
      unit = 'ms';
    }
    const [frac, rest] = formatFraction(u, prec);
    out = `${rest}${frac}${unit}`;
  } else {
    const [frac, secondsTotal] = formatFraction(u, 9);
    u = secondsTotal;
    out = `${u % 60n}${frac}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** Milliseconds formatted as a Go duration (rounded to whole nanoseconds). */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) throw new SdkError('PKR_ERR_DURATION_INVALID', `${ms} ms is not a duration`);
  const whole = Math.trunc(ms);
  return formatDuration(BigInt(whole) * MILLISECOND + BigInt(Math.round((ms - whole) * 1e6)));
}

/** Go's fmtFrac: the fraction of v / 10^prec without trailing zeros, and the integer part. */
function formatFraction(v: bigint, prec: number): [string, bigint] {
  let digits = '';
  let printed = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    printed = printed || digit !== 0n;
    if (printed) digits = `${digit}${digits}`;
    v /= 10n;
  }
  return [printed ? `.${digits}` : '', v];
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Go's strconv.Quote for the ASCII-and-printable strings error messages carry. */
function quote(s: string): string {
  return JSON.stringify(s);
}
