/**
 * Go's `fmt.Sprint`, `Sprintln` and `Sprintf` over the value model in `values.ts`, for the
 * template builtins `print`, `println`, `printf` and for printing action results. Flags
 * (`+ - # 0 space`), width, precision and `*` are supported; argument indexes (`%[2]d`) and
 * the float verbs `%b %x %X` are not and print as a bad verb. `sprintf` is in `go-printf.ts`.
 */
import { formatFloat } from './go-float.js';
import { canBackquote, quote, quoteRune, utf8Bytes, isPrint } from './go-strconv.js';
import { fromHost, isNil, kindOf, sortedEntries, stringerOf, structFields, typeName } from './values.js';

export interface Flags {
  widPresent: boolean;
  precPresent: boolean;
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  prec: number;
}

/** Flags of a fresh verb. */
export function clearFlags(): Flags {
  return {
    widPresent: false,
    precPresent: false,
    minus: false,
    plus: false,
    sharp: false,
    space: false,
    zero: false,
    plusV: false,
    sharpV: false,
    wid: 0,
    prec: 0,
  };
}

const runeCount = (s: string): number => [...s].length;

/** Go's `fmt` printer state: the output so far and the current verb's flags. */
export class Printer {
  out = '';
  f: Flags = clearFlags();

  private writePadding(n: number): void {
    if (n <= 0) return;
    this.out += (this.f.zero ? '0' : ' ').repeat(n);
  }

  pad(s: string): void {
    if (!this.f.widPresent || this.f.wid === 0) {
      this.out += s;
      return;
    }
    const width = this.f.wid - runeCount(s);
    if (!this.f.minus) {
      this.writePadding(width);
      this.out += s;
    } else {
      this.out += s;
      this.writePadding(width);
    }
  }

  private withoutZero(fn: () => void): void {
    const old = this.f.zero;
    this.f.zero = false;
    fn();
    this.f.zero = old;
  }

  fmtBoolean(v: boolean): void {
    this.pad(v ? 'true' : 'false');
  }

  fmtInteger(value: bigint, base: 2 | 8 | 10 | 16, verb: string, upper: boolean): void {
    const negative = value < 0n;
    const u = negative ? -value : value;
    let prec = 0;
    if (this.f.precPresent) {
      prec = this.f.prec;
      if (prec === 0 && u === 0n) {
        this.withoutZero(() => this.writePadding(this.f.wid));
        return;
      }
    } else if (this.f.zero && this.f.widPresent) {
      prec = this.f.wid;
      if (negative || this.f.plus || this.f.space) prec--;
    }
    let digits = u.toString(base);
    if (upper) digits = digits.toUpperCase();
    if (digits.length < prec) digits = digits.padStart(prec, '0');
    if (this.f.sharp) {
      if (base === 2) digits = `0b${digits}`;
      else if (base === 8 && !digits.startsWith('0')) digits = `0${digits}`;
      else if (base === 16) digits = `${upper ? '0X' : '0x'}${digits}`;
    }
    if (verb === 'O') digits = `0o${digits}`;
    if (negative) digits = `-${digits}`;
    else if (this.f.plus) digits = `+${digits}`;
    else if (this.f.space) digits = ` ${digits}`;
    this.withoutZero(() => this.pad(digits));
  }

  fmtUnicode(u: bigint): void {
    let prec = 4;
    if (this.f.precPresent && this.f.prec > 4) prec = this.f.prec;
    let s = `U+${(u < 0n ? u + 2n ** 64n : u).toString(16).toUpperCase().padStart(prec, '0')}`;
    if (this.f.sharp && u >= 0n && u <= 0x10ffffn && isPrint(Number(u)))
      s += ` '${String.fromCodePoint(Number(u))}'`;
    this.withoutZero(() => this.pad(s));
  }

  private static rune(c: bigint): number {
    if (c < 0n || c > 0x10ffffn) return 0xfffd;
    const r = Number(c);
    return r >= 0xd800 && r <= 0xdfff ? 0xfffd : r;
  }

  fmtC(c: bigint): void {
    this.pad(String.fromCodePoint(Printer.rune(c)));
  }

  fmtQc(c: bigint): void {
    this.pad(quoteRune(Printer.rune(c), this.f.plus));
  }

  fmtFloat(v: number, verb: 'e' | 'E' | 'f' | 'g' | 'G', defaultPrec: number): void {
    const prec = this.f.precPresent ? this.f.prec : defaultPrec;
    let num = formatFloat(v, verb, prec);
    num = num.startsWith('-') || num.startsWith('+') ? num : `+${num}`;
    if (this.f.space && num[0] === '+' && !this.f.plus) num = ` ${num.slice(1)}`;
    if (num[1] === 'I' || num[1] === 'N') {
      if (num[1] === 'N' && !this.f.space && !this.f.plus) num = num.slice(1);
      this.withoutZero(() => this.pad(num));
      return;
    }
    if (this.f.sharp) {
      let digits = verb === 'g' || verb === 'G' ? (prec === -1 ? 6 : prec) : 0;
      let tail = '';
      let body = num;
      const e = body.search(/[eE]/);
      if (e >= 0) {
        tail = body.slice(e);
        body = body.slice(0, e);
      }
      let sawNonzero = false;
      for (const ch of body.slice(1)) {
        if (ch === '.') continue;
        if (ch !== '0') sawNonzero = true;
        if (sawNonzero) digits--;
      }
      if (!body.includes('.')) {
        if (body.length === 2 && body[1] === '0') digits--;
        body += '.';
      }
      if (digits > 0) body += '0'.repeat(digits);
      num = body + tail;
    }
    if (this.f.plus || num[0] !== '+') {
      if (this.f.zero && this.f.widPresent && this.f.wid > num.length) {
        this.out += num[0];
        this.writePadding(this.f.wid - num.length);
        this.out += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  private truncate(s: string): string {
    if (!this.f.precPresent) return s;
    return [...s].slice(0, this.f.prec).join('');
  }

  fmtS(s: string): void {
    this.pad(this.truncate(s));
  }

  fmtSx(s: string, upper: boolean): void {
    let bytes = utf8Bytes(s);
    if (this.f.precPresent && this.f.prec < bytes.length) bytes = bytes.slice(0, this.f.prec);
    const length = bytes.length;
    let width = 2 * length;
    if (width > 0) {
      if (this.f.space) {
        if (this.f.sharp) width *= 2;
        width += length - 1;
      } else if (this.f.sharp) {
        width += 2;
      }
    } else {
      if (this.f.widPresent) this.writePadding(this.f.wid);
      return;
    }
    if (this.f.widPresent && this.f.wid > width && !this.f.minus) this.writePadding(this.f.wid - width);
    const prefix = upper ? '0X' : '0x';
    let buf = this.f.sharp ? prefix : '';
    bytes.forEach((b, i) => {
      if (this.f.space && i > 0) buf += this.f.sharp ? ` ${prefix}` : ' ';
      const hex = b.toString(16).padStart(2, '0');
      buf += upper ? hex.toUpperCase() : hex;
    });
    this.out += buf;
    if (this.f.widPresent && this.f.wid > width && this.f.minus) this.writePadding(this.f.wid - width);
  }

  fmtQ(s: string): void {
    const t = this.truncate(s);
    if (this.f.sharp && canBackquote(t)) {
      this.pad(`\`${t}\``);
      return;
    }
    this.pad(quote(t, this.f.plus));
  }

  badVerb(verb: string, value: unknown, hasValue: boolean): void {
    this.out += `%!${verb}(`;
    if (hasValue && !isNil(value)) {
      // Go keeps the flags here, so "%05d" of "hi" prints "%!d(string=000hi)".
      this.out += `${typeName(value)}=`;
      this.printValue(value, 'v', 0);
    } else {
      this.out += '<nil>';
    }
    this.out += ')';
  }

  printArg(arg: unknown, verb: string): void {
    if (isNil(arg)) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, arg, false);
      return;
    }
    if (verb === 'T') {
      this.fmtS(typeName(arg));
      return;
    }
    this.printValue(arg, verb, 0);
  }

  printValue(value: unknown, verb: string, depth: number): void {
    const stringer = stringerOf(value);
    if (stringer !== undefined && verb !== 'T' && verb !== 'p' && 'vsxXq'.includes(verb) && !this.f.sharpV) {
      this.fmtString(stringer(), verb);
      return;
    }
    switch (kindOf(value)) {
      case 'invalid':
      case 'nil':
        if (depth === 0) {
          this.printArg(undefined, verb);
        } else if (this.f.sharpV) {
          this.out += 'interface {}(nil)';
        } else {
          this.out += '<nil>';
        }
        return;
      case 'bool':
        if (verb === 't' || verb === 'v') this.fmtBoolean(value as boolean);
        else this.badVerb(verb, value, true);
        return;
      case 'int':
        this.fmtInt(value as bigint, verb);
        return;
      case 'float':
        this.fmtFloatVerb(value as number, verb);
        return;
      case 'string':
        this.fmtString(value as string, verb);
        return;
      case 'slice': {
        const items = (value as unknown[]).map(fromHost);
        if (this.f.sharpV) {
          this.out += '[]interface {}{';
          items.forEach((item, i) => {
            if (i > 0) this.out += ', ';
            this.printValue(item, verb, depth + 1);
          });
          this.out += '}';
        } else {
          this.out += '[';
          items.forEach((item, i) => {
            if (i > 0) this.out += ' ';
            this.printValue(item, verb, depth + 1);
          });
          this.out += ']';
        }
        return;
      }
      case 'map': {
        this.out += this.f.sharpV ? 'map[string]interface {}{' : 'map[';
        sortedEntries(value as object).forEach(([k, v], i) => {
          if (i > 0) this.out += this.f.sharpV ? ', ' : ' ';
          this.printValue(k, verb, depth + 1);
          this.out += ':';
          this.printValue(v, verb, depth + 1);
        });
        this.out += this.f.sharpV ? '}' : ']';
        return;
      }
      case 'struct': {
        if (this.f.sharpV) this.out += typeName(value);
        this.out += '{';
        structFields(value as object).forEach(([name, v], i) => {
          if (i > 0) this.out += this.f.sharpV ? ', ' : ' ';
          if (this.f.plusV || this.f.sharpV) this.out += `${name}:`;
          this.printValue(v, verb, depth + 1);
        });
        this.out += '}';
        return;
      }
      case 'func':
        // Go prints a function's address; a JavaScript function has none to show.
        if (verb === 'v') this.pad(this.f.sharpV ? '(func)(nil)' : 'func');
        else this.badVerb(verb, value, true);
        return;
    }
  }

  private fmtInt(v: bigint, verb: string): void {
    switch (verb) {
      case 'v':
      case 'd':
        this.fmtInteger(v, 10, verb, false);
        return;
      case 'b':
        this.fmtInteger(v, 2, verb, false);
        return;
      case 'o':
      case 'O':
        this.fmtInteger(v, 8, verb, false);
        return;
      case 'x':
        this.fmtInteger(v, 16, verb, false);
        return;
      case 'X':
        this.fmtInteger(v, 16, verb, true);
        return;
      case 'c':
        this.fmtC(v);
        return;
      case 'q':
        this.fmtQc(v);
        return;
      case 'U':
        this.fmtUnicode(v);
        return;
      default:
        this.badVerb(verb, v, true);
    }
  }

  private fmtFloatVerb(v: number, verb: string): void {
    switch (verb) {
      case 'v':
        this.fmtFloat(v, 'g', -1);
        return;
      case 'g':
      case 'G':
        this.fmtFloat(v, verb, -1);
        return;
      case 'f':
      case 'e':
      case 'E':
        this.fmtFloat(v, verb, 6);
        return;
      case 'F':
        this.fmtFloat(v, 'f', 6);
        return;
      default:
        this.badVerb(verb, v, true);
    }
  }

  private fmtString(s: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.f.sharpV) this.fmtQ(s);
        else this.fmtS(s);
        return;
      case 's':
        this.fmtS(s);
        return;
      case 'x':
        this.fmtSx(s, false);
        return;
      case 'X':
        this.fmtSx(s, true);
        return;
      case 'q':
        this.fmtQ(s);
        return;
      default:
        this.badVerb(verb, s, true);
    }
  }
}

/** Go's `fmt.Sprint`: operands joined, with a space between two operands when neither is a string. */
export function sprint(args: readonly unknown[]): string {
  const p = new Printer();
  let prevString = false;
  args.forEach((arg, i) => {
    const isString = typeof arg === 'string';
    if (i > 0 && !isString && !prevString) p.out += ' ';
    p.f = clearFlags();
    p.printArg(arg, 'v');
    prevString = isString;
  });
  return p.out;
}

/** Go's `fmt.Sprintln`: operands separated by spaces, then a newline. */
export function sprintln(args: readonly unknown[]): string {
  const p = new Printer();
  args.forEach((arg, i) => {
    if (i > 0) p.out += ' ';
    p.f = clearFlags();
    p.printArg(arg, 'v');
  });
  return `${p.out}\n`;
}

/** Go's `%v` of one value, as `{{ . }}` prints it. */
export function formatValue(value: unknown): string {
  return sprint([value]);
}
