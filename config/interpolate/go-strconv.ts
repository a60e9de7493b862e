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
