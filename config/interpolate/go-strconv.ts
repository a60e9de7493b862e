/**
 * The slice of Go's `strconv` and `unicode` that templates observe: unquoting literals, quoting
 * for `%q`, Go's idea of a printable rune, and float formatting with Go's exact rounding.
 * Positions and lengths here are in UTF-16 code units unless a name says "bytes".
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** The UTF-8 bytes of `s`; Go strings are byte strings, so `len`, `index` and `slice` work on these. */
export function utf8Bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Decodes UTF-8; invalid sequences become U+FFFD (Go would keep the raw bytes). */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Byte length of `s` in UTF-8, i.e. Go's `len(s)`. */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrint(codePoint: number): boolean {
  if (codePoint === 0x20) return true;
  if (codePoint < 0x20 || codePoint === 0x7f) return false;
  return printable.test(String.fromCodePoint(codePoint));
}

/** Go's `unicode.IsLetter`/`IsDigit`/`_` test used for identifiers in actions. */
export function isAlphaNumeric(ch: string): boolean {
  return ch === '_' || /^[\p{L}\p{Nd}]$/u.test(ch);
}

const simpleEscapes: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** Thrown by {@link unquote}; Go reports `strconv.ErrSyntax` as "invalid syntax". */
export class SyntaxError_ extends Error {
  constructor() {
    super('invalid syntax');
  }
}

/**
 * Decodes one (possibly escaped) character at `s[i]` inside a literal quoted by `quote`.
 * Returns the code point (or a raw byte value when `isByte`) and the next index.
 */
export function unquoteChar(
  s: string,
  i: number,
  quote: string,
): { value: number; isByte: boolean; next: number } {
  const c = s.codePointAt(i);
  if (c === undefined) throw new SyntaxError_();
  const ch = String.fromCodePoint(c);
  if (ch === quote && (quote === "'" || quote === '"')) throw new SyntaxError_();
  if (ch !== '\\') return { value: c, isByte: false, next: i + ch.length };
  const e = s[i + 1];
  if (e === undefined) throw new SyntaxError_();
  const simple = simpleEscapes[e];
  if (simple !== undefined) return { value: simple.charCodeAt(0), isByte: false, next: i + 2 };
  if (e === "'" || e === '"') {
    // Go accepts \' only in rune literals and \" only in string literals.
    if (e !== quote) throw new SyntaxError_();
    return { value: e.charCodeAt(0), isByte: false, next: i + 2 };
  }
  const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
  if (hexLen > 0) {
    const digits = s.slice(i + 2, i + 2 + hexLen);
    if (digits.length !== hexLen || !/^[0-9a-fA-F]+$/.test(digits)) throw new SyntaxError_();
    const v = parseInt(digits, 16);
    if (e === 'x') return { value: v, isByte: true, next: i + 2 + hexLen };
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new SyntaxError_();
    return { value: v, isByte: false, next: i + 2 + hexLen };
  }
  if (e >= '0' && e <= '7') {
    const digits = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(digits)) throw new SyntaxError_();
    const v = parseInt(digits, 8);
    if (v > 255) throw new SyntaxError_();
    return { value: v, isByte: true, next: i + 4 };
  }
  throw new SyntaxError_();
}

/**
 * Go's `strconv.Unquote` for "double-quoted" and `raw` literals. Raw strings lose their
 * carriage returns, as in Go. `\x` and octal escapes denote bytes, so the result is built as
 * UTF-8 and decoded once.
 */
export function unquote(literal: string): string {
  const q = literal[0];
  if (literal.length < 2 || literal[literal.length - 1] !== q) throw new SyntaxError_();
  const body = literal.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new SyntaxError_();
    return body.replace(/\r/g, '');
  }
  if (q !== '"') throw new SyntaxError_();
  if (!body.includes('\\') && !body.includes('"') && !body.includes('\n')) return body;
  const bytes: number[] = [];
  for (let i = 0; i < body.length;) {
    if (body[i] === '\n') throw new SyntaxError_();
    const { value, isByte, next } = unquoteChar(body, i, '"');
    if (isByte) bytes.push(value);
    else bytes.push(...utf8Bytes(String.fromCodePoint(value)));
    i = next;
  }
  return fromUtf8(Uint8Array.from(bytes));
}

/** Go's `strconv.UnquoteChar`-based rune literal decoding: `'a'`, `'\n'`, `'\x41'`. */
export function unquoteRune(literal: string): number {
  if (literal.length < 3 || literal[0] !== "'" || literal[literal.length - 1] !== "'") {
    throw new SyntaxError_();
  }
  const { value, next } = unquoteChar(literal, 1, "'");
  if (next !== literal.length - 1) {
    throw new Error(`malformed character constant: ${literal}`);
  }
  return value;
}

function quoteRuneInto(out: string[], r: number, quote: string, asciiOnly: boolean): void {
  const ch = String.fromCodePoint(r);
  if (ch === quote || ch === '\\') {
    out.push('\\', ch);
    return;
  }
  if (asciiOnly ? r < 0x80 && isPrint(r) : isPrint(r)) {
    out.push(ch);
    return;
  }
  switch (ch) {
    case '\x07':
      out.push('\\a');
      return;
    case '\b':
      out.push('\\b');
      return;
    case '\f':
      out.push('\\f');
      return;
    case '\n':
      out.push('\\n');
      return;
    case '\r':
      out.push('\\r');
      return;
    case '\t':
      out.push('\\t');
      return;
    case '\v':
      out.push('\\v');
      return;
  }
  if (r < 0x20 || r === 0x7f) out.push('\\x', r.toString(16).padStart(2, '0'));
  else if (r < 0x10000) out.push('\\u', r.toString(16).padStart(4, '0'));
  else out.push('\\U', r.toString(16).padStart(8, '0'));
}

function normaliseSurrogates(s: string): string {
  // A lone surrogate cannot exist in a Go (UTF-8) string: it arrives as U+FFFD.
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** Go's `strconv.Quote` (or `QuoteToASCII` when `asciiOnly`). */
export function quote(s: string, asciiOnly = false): string {
  const out: string[] = ['"'];
  for (const ch of normaliseSurrogates(s)) quoteRuneInto(out, ch.codePointAt(0) ?? 0, '"', asciiOnly);
  out.push('"');
  return out.join('');
}

/** Go's `strconv.QuoteRune` (or `QuoteRuneToASCII`). */
export function quoteRune(r: number, asciiOnly = false): string {
  const rune = r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff) ? 0xfffd : r;
  const out: string[] = ["'"];
  quoteRuneInto(out, rune, "'", asciiOnly);
  out.push("'");
  return out.join('');
}

/** Go's `strconv.CanBackquote`. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? 0;
    if (ch === '`' || r === 0xfeff || r === 0x7f) return false;
    if (r < 0x20 && ch !== '\t') return false;
  }
  return true;
}

// ---- floats ---------------------------------------------------------------------------------

/** A decimal digit string `d` with the decimal point after `dp` digits (Go's `decimalSlice`). */
interface Decimal {
  d: string;
  dp: number;
}

/** The exact decimal expansion of a finite, non-negative double (every double is a finite decimal). */
function exactDecimal(v: number): Decimal {
  if (v === 0) return { d: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0) exp = 1;
  else mant |= 1n << 52n;
  exp -= 1075;
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    // mant / 2^-exp = mant * 5^-exp / 10^-exp
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  return trimDecimal({ d: digits, dp });
}

function trimDecimal(x: Decimal): Decimal {
  let d = x.d;
  let dp = x.dp;
  let lead = 0;
  while (lead < d.length && d[lead] === '0') lead++;
  d = d.slice(lead);
  dp -= lead;
  d = d.replace(/0+$/, '');
  if (d === '') dp = 0;
  return { d, dp };
}

/** Rounds to `nd` digits, half to even on an exact tie (Go's `decimal.Round`). */
function roundDecimal(x: Decimal, nd: number): Decimal {
  if (nd < 0) return { d: '', dp: 0 };
  if (nd >= x.d.length) return x;
  const next = x.d.charCodeAt(nd) - 48;
  let up: boolean;
  if (next > 5) up = true;
  else if (next < 5) up = false;
  else if (nd + 1 < x.d.length) up = true;
  else up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  if (!up) return trimDecimal({ d: x.d.slice(0, nd), dp: x.dp });
  const kept = x.d.slice(0, nd);
  if (kept === '') return { d: '1', dp: x.dp + 1 };
  const bumped = (BigInt(kept) + 1n).toString();
  if (bumped.length > kept.length) return trimDecimal({ d: bumped, dp: x.dp + 1 });
  return trimDecimal({ d: bumped, dp: x.dp });
}

/** Shortest digits that read back as `v` (what Go's Ryū and JavaScript's ToString both pick). */
function shortestDecimal(v: number): Decimal {
  if (v === 0) return { d: '', dp: 0 };
  const [mant = '', e = '0'] = v.toExponential().split('e');
  const d = mant.replace('.', '');
  return trimDecimal({ d, dp: Number(e) + 1 });
}

function fmtE(neg: boolean, d: Decimal, prec: number, fmt: string): string {
  let out = neg ? '-' : '';
  out += d.d.length > 0 ? d.d[0] : '0';
  if (prec > 0) {
    out += '.';
    out += d.d.slice(1, prec + 1).padEnd(prec, '0');
  }
  let exp = d.d.length === 0 ? 0 : d.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return `${out}${fmt}${sign}${exp < 10 ? `0${exp}` : String(exp)}`;
}

function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let out = neg ? '-' : '';
  if (d.dp > 0) out += d.d.slice(0, d.dp).padEnd(d.dp, '0');
  else out += '0';
  if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i;
      out += j >= 0 && j < d.d.length ? d.d[j] : '0';
    }
  }
  return out;
}

/**
 * Go's `strconv.FormatFloat(v, fmt, prec, 64)` for fmt `e E f g G`; `prec < 0` means the
 * shortest representation that reads back exactly.
 */
export function formatFloat(v: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const abs = Math.abs(v);
  const shortest = prec < 0;
  let digs: Decimal;
  if (shortest) {
    digs = shortestDecimal(abs);
    if (fmt === 'e' || fmt === 'E') prec = Math.max(digs.d.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(digs.d.length - digs.dp, 0);
    else prec = digs.d.length;
  } else {
    const exact = exactDecimal(abs);
    if (fmt === 'e' || fmt === 'E') digs = roundDecimal(exact, prec + 1);
    else if (fmt === 'f') digs = roundDecimal(exact, exact.dp + prec);
    else {
      if (prec === 0) prec = 1;
      digs = roundDecimal(exact, prec);
    }
  }
  if (fmt === 'e' || fmt === 'E') return fmtE(neg, digs, prec, fmt);
  if (fmt === 'f') return fmtF(neg, digs, prec);
  let eprec = prec;
  if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
  if (shortest) eprec = 6;
  const exp = digs.dp - 1;
  if (digs.d.length > 0 && (exp < -4 || exp >= eprec)) {
    if (prec > digs.d.length) prec = digs.d.length;
    return fmtE(neg, digs, prec - 1, fmt === 'g' ? 'e' : 'E');
  }
  if (prec > digs.dp) prec = digs.d.length;
  return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
}
