/**
 * Splits template text into tokens the way Go's text/template/parse lexer does, including its
 * quirks: trim markers need a space on the inner side (`{{- ` and ` -}}`), a comment must close
 * right against the delimiter, and `{{-3}}` is the number -3, not a trim marker.
 *
 * Positions are UTF-16 offsets into the source; error messages convert them to Go's byte
 * columns (see `location.ts`).
 */
import { isAlphaNumeric, isPrint, quote } from './go-strconv.js';

export type TokenType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'complex'
  | 'assign'
  | 'declare'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  // keywords
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

export interface Token {
  readonly type: TokenType;
  /** Offset of the token's first character in the source. */
  readonly pos: number;
  /** The token's text; for `error` tokens, the message. */
  readonly value: string;
  /** 1-based line of the token's start. */
  readonly line: number;
}

const keywords: ReadonlyMap<string, TokenType> = new Map<string, TokenType>([
  ['.', 'dot'],
  ['block', 'block'],
  ['break', 'break'],
  ['continue', 'continue'],
  ['define', 'define'],
  ['else', 'else'],
  ['end', 'end'],
  ['if', 'if'],
  ['range', 'range'],
  ['nil', 'nil'],
  ['template', 'template'],
  ['with', 'with'],
]);

/** True for tokens that Go prints as `<keyword>` in "unexpected …" messages. */
export function isKeyword(type: TokenType): boolean {
  return [...keywords.values()].includes(type);
}

const LEFT = '{{';
const RIGHT = '}}';
const LEFT_COMMENT = '/*';
const RIGHT_COMMENT = '*/';
const SPACE_CHARS = ' \t\r\n';

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function hasLeftTrimMarker(s: string, at: number): boolean {
  return s[at] === '-' && isSpace(s[at + 1]);
}

function hasRightTrimMarker(s: string, at: number): boolean {
  return isSpace(s[at]) && s[at + 1] === '-';
}

function countNewlines(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

/** Go's `%#U` rendering of a rune, used in "bad character" messages. */
export function formatRuneU(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return isPrint(cp) ? `U+${hex} '${ch}'` : `U+${hex}`;
}

const EOF = '';

/** Lexes the whole input; the last token is `eof` or `error`. */
export function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;

  const next = (): string => {
    if (pos >= input.length) {
      pos = input.length + 1; // past the end: backup() undoes this, like Go's atEOF
      return EOF;
    }
    const cp = input.codePointAt(pos) ?? 0;
    const ch = String.fromCodePoint(cp);
    pos += ch.length;
    if (ch === '\n') line++;
    return ch;
  };
  const backup = (): void => {
    if (pos > input.length) {
      pos = input.length;
      return;
    }
    if (pos <= 0) return;
    const prev = input.charCodeAt(pos - 1);
    pos -= prev >= 0xdc00 && prev <= 0xdfff && pos >= 2 ? 2 : 1;
    if (input[pos] === '\n') line--;
  };
  const peek = (): string => {
    const ch = next();
    backup();
    return ch;
  };
  const emit = (type: TokenType): void => {
    tokens.push({ type, pos: start, value: input.slice(start, pos), line: startLine });
    start = pos;
    startLine = line;
  };
  const ignore = (): void => {
    line += countNewlines(input, start, pos);
    start = pos;
    startLine = line;
  };
  const fail = (message: string): null => {
    tokens.push({ type: 'error', pos: start, value: message, line: startLine });
    return null;
  };
  const accept = (valid: string): boolean => {
    const ch = next();
    if (ch !== EOF && valid.includes(ch)) return true;
    backup();
    return false;
  };
  const acceptRun = (valid: string): void => {
    for (let ch = next(); ch !== EOF && valid.includes(ch); ch = next());
    backup();
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    if (hasRightTrimMarker(input, pos) && input.startsWith(RIGHT, pos + 2))
      return { delim: true, trim: true };
    if (input.startsWith(RIGHT, pos)) return { delim: true, trim: false };
    return { delim: false, trim: false };
  };
  const atTerminator = (): boolean => {
    const r = peek();
    if (isSpace(r)) return true;
    if (r === EOF || '.,|:)('.includes(r)) return true;
    return input.startsWith(RIGHT, pos);
  };

  type State = (() => State) | null;

  const lexText = (): State => {
    const x = input.indexOf(LEFT, pos);
    if (x >= 0) {
      pos = x;
      let trimLength = 0;
      if (hasLeftTrimMarker(input, pos + LEFT.length)) {
        const before = input.slice(start, pos);
        trimLength = before.length - trimRight(before).length;
      }
      pos -= trimLength;
      if (pos > start) {
        line += countNewlines(input, start, pos);
        emit('text');
      }
      pos += trimLength;
      ignore();
      return lexLeftDelim;
    }
    pos = input.length;
    if (pos > start) {
      line += countNewlines(input, start, pos);
      emit('text');
    }
    emit('eof');
    return null;
  };

  const lexLeftDelim = (): State => {
    pos += LEFT.length;
    const trim = hasLeftTrimMarker(input, pos);
    const afterMarker = trim ? 2 : 0;
    if (input.startsWith(LEFT_COMMENT, pos + afterMarker)) {
      pos += afterMarker;
      ignore();
      return lexComment;
    }
    emit('leftDelim');
    pos += afterMarker;
    ignore();
    parenDepth = 0;
    return lexInsideAction;
  };

  const lexComment = (): State => {
    pos += LEFT_COMMENT.length;
    const i = input.indexOf(RIGHT_COMMENT, pos);
    if (i < 0) return fail('unclosed comment');
    pos = i + RIGHT_COMMENT.length;
    const { delim, trim } = atRightDelim();
    if (!delim) return fail('comment ends before closing delimiter');
    if (trim) pos += 2;
    pos += RIGHT.length;
    if (trim) pos += leadingSpace(input, pos);
    ignore();
    return lexText;
  };

  const lexRightDelim = (): State => {
    const trim = hasRightTrimMarker(input, pos);
    if (trim) {
      pos += 2;
      ignore();
    }
    pos += RIGHT.length;
    emit('rightDelim');
    if (trim) {
      pos += leadingSpace(input, pos);
      ignore();
    }
    return lexText;
  };

  const lexInsideAction = (): State => {
    if (atRightDelim().delim) {
      if (parenDepth === 0) return lexRightDelim;
      return fail('unclosed left paren');
    }
    const r = next();
    if (r === EOF) return fail('unclosed action');
    if (isSpace(r)) {
      backup(); // keep the space: it may belong to " -}}"
      return lexSpace;
    }
    switch (r) {
      case '=':
        emit('assign');
        return lexInsideAction;
      case ':':
        if (next() !== '=') return fail('expected :=');
        emit('declare');
        return lexInsideAction;
      case '|':
        emit('pipe');
        return lexInsideAction;
      case '"':
        return lexQuote;
      case '`':
        return lexRawQuote;
      case '$':
        return lexVariable;
      case "'":
        return lexChar;
      case '(':
        emit('leftParen');
        parenDepth++;
        return lexInsideAction;
      case ')':
        emit('rightParen');
        parenDepth--;
        if (parenDepth < 0) return fail(`unexpected right paren ${formatRuneU(r)}`);
        return lexInsideAction;
    }
    if (r === '.') {
      const c = input[pos];
      if (pos < input.length && c !== undefined && (c < '0' || c > '9')) return lexField;
      backup();
      return lexNumber;
    }
    if (r === '+' || r === '-' || (r >= '0' && r <= '9')) {
      backup();
      return lexNumber;
    }
    if (isAlphaNumeric(r)) {
      backup();
      return lexIdentifier;
    }
    const cp = r.codePointAt(0) ?? 0;
    if (cp <= 0x7f && cp >= 0x20 && cp !== 0x7f) {
      emit('char');
      return lexInsideAction;
    }
    return fail(`unrecognized character in action: ${formatRuneU(r)}`);
  };

  const lexSpace = (): State => {
    let numSpaces = 0;
    while (isSpace(peek())) {
      next();
      numSpaces++;
    }
    // " -}}": the space before the marker belongs to the delimiter.
    if (hasRightTrimMarker(input, pos - 1) && input.startsWith(RIGHT, pos - 1 + 2)) {
      backup();
      if (numSpaces === 1) return lexRightDelim;
    }
    emit('space');
    return lexInsideAction;
  };

  const lexIdentifier = (): State => {
    for (;;) {
      const r = next();
      if (r !== EOF && isAlphaNumeric(r)) continue;
      backup();
      if (!atTerminator()) return fail(`bad character ${formatRuneU(r === EOF ? '\ufffd' : r)}`);
      const word = input.slice(start, pos);
      const kw = keywords.get(word);
      if (kw !== undefined && kw !== 'dot') emit(kw);
      else if (word === 'true' || word === 'false') emit('bool');
      else emit('identifier');
      return lexInsideAction;
    }
  };

  const lexFieldOrVariable = (type: 'field' | 'variable'): State => {
    if (atTerminator()) {
      emit(type === 'variable' ? 'variable' : 'dot');
      return lexInsideAction;
    }
    let r: string;
    for (;;) {
      r = next();
      if (r === EOF || !isAlphaNumeric(r)) {
        backup();
        break;
      }
    }
    if (!atTerminator()) return fail(`bad character ${formatRuneU(r === EOF ? '\ufffd' : r)}`);
    emit(type);
    return lexInsideAction;
  };
  const lexField = (): State => lexFieldOrVariable('field');
  const lexVariable = (): State => {
    if (atTerminator()) {
      emit('variable');
      return lexInsideAction;
    }
    return lexFieldOrVariable('variable');
  };

  const lexChar = (): State => {
    for (;;) {
      const r = next();
      if (r === '\\') {
        const e = next();
        if (e !== EOF && e !== '\n') continue;
        return fail('unterminated character constant');
      }
      if (r === EOF || r === '\n') return fail('unterminated character constant');
      if (r === "'") break;
    }
    emit('charConstant');
    return lexInsideAction;
  };

  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    const p = peek();
    if (p !== EOF && isAlphaNumeric(p)) {
      next();
      return false;
    }
    return true;
  };

  const lexNumber = (): State => {
    if (!scanNumber()) return fail(`bad number syntax: ${quote(input.slice(start, pos))}`);
    const sign = peek();
    if (sign === '+' || sign === '-') {
      if (!scanNumber() || input[pos - 1] !== 'i') {
        return fail(`bad number syntax: ${quote(input.slice(start, pos))}`);
      }
      emit('complex');
    } else {
      emit('number');
    }
    return lexInsideAction;
  };

  const lexQuote = (): State => {
    for (;;) {
      const r = next();
      if (r === '\\') {
        const e = next();
        if (e !== EOF && e !== '\n') continue;
        return fail('unterminated quoted string');
      }
      if (r === EOF || r === '\n') return fail('unterminated quoted string');
      if (r === '"') break;
    }
    emit('string');
    return lexInsideAction;
  };

  const lexRawQuote = (): State => {
    for (;;) {
      const r = next();
      if (r === EOF) return fail('unterminated raw quoted string');
      if (r === '`') break;
    }
    emit('rawString');
    return lexInsideAction;
  };

  for (let state: State = lexText; state !== null;) state = state();
  return tokens;
}

function trimRight(s: string): string {
  let end = s.length;
  while (end > 0 && SPACE_CHARS.includes(s[end - 1] ?? '')) end--;
  return s.slice(0, end);
}

function leadingSpace(s: string, from: number): number {
  let i = from;
  while (i < s.length && SPACE_CHARS.includes(s[i] ?? '')) i++;
  return i - from;
}
