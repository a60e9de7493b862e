/**
 * Go's `fmt.Sprintf` format-string walk: flags, width, precision (`*` included), the verb, and
 * Go's in-band error markers. Formatting each argument is `Printer`'s job.
 */
import { clearFlags, Printer } from './go-fmt.js';
import { isNil, typeName } from './values.js';

function parseNum(format: string, start: number): { num: number; present: boolean; next: number } {
  let i = start;
  let num = 0;
  while (i < format.length && format[i]! >= '0' && format[i]! <= '9') {
    num = num * 10 + (format.charCodeAt(i) - 48);
    if (num > 1e6) return { num: 0, present: false, next: format.length };
    i++;
  }
  return { num, present: i > start, next: i };
}

function intArg(args: readonly unknown[], n: number): { num: number; ok: boolean; next: number } {
  if (n >= args.length) return { num: 0, ok: false, next: n };
  const a = args[n];
  if (typeof a === 'bigint' && a >= -1000000n && a <= 1000000n)
    return { num: Number(a), ok: true, next: n + 1 };
  return { num: 0, ok: false, next: n + 1 };
}

/** Go's `fmt.Sprintf`, including its in-band errors (`%!d(string=x)`, `%!s(MISSING)`, `%!(EXTRA …)`). */
export function sprintf(format: string, args: readonly unknown[]): string {
  const p = new Printer();
  let argNum = 0;
  const end = format.length;
  for (let i = 0; i < end;) {
    const lasti = i;
    while (i < end && format[i] !== '%') i++;
    if (i > lasti) p.out += format.slice(lasti, i);
    if (i >= end) break;
    i++;
    p.f = clearFlags();
    let verbDone = false;
    for (; i < end; i++) {
      const c = format[i]!;
      if (c === '#') p.f.sharp = true;
      else if (c === '0') p.f.zero = !p.f.minus;
      else if (c === '+') p.f.plus = true;
      else if (c === '-') {
        p.f.minus = true;
        p.f.zero = false;
      } else if (c === ' ') p.f.space = true;
      else {
        if (c >= 'a' && c <= 'z' && argNum < args.length) {
          // fast path: a lowercase verb straight after the flags
          if (c === 'v') {
            p.f.sharpV = p.f.sharp;
            p.f.sharp = false;
            p.f.plusV = p.f.plus;
            p.f.plus = false;
          }
          p.printArg(args[argNum], c);
          argNum++;
          i++;
          verbDone = true;
        }
        break;
      }
    }
    if (verbDone) continue;
    if (i < end && format[i] === '*') {
      i++;
      const w = intArg(args, argNum);
      argNum = w.next;
      p.f.wid = w.num;
      p.f.widPresent = w.ok;
      if (!w.ok) p.out += '%!(BADWIDTH)';
      if (p.f.wid < 0) {
        p.f.wid = -p.f.wid;
        p.f.minus = true;
        p.f.zero = false;
      }
    } else {
      const w = parseNum(format, i);
      p.f.wid = w.num;
      p.f.widPresent = w.present;
      i = w.next;
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (format[i] === '*') {
        i++;
        const pr = intArg(args, argNum);
        argNum = pr.next;
        p.f.prec = pr.num;
        p.f.precPresent = pr.ok;
        if (p.f.prec < 0) {
          p.f.prec = 0;
          p.f.precPresent = false;
        }
        if (!pr.ok) p.out += '%!(BADPREC)';
      } else {
        const pr = parseNum(format, i);
        p.f.prec = pr.present ? pr.num : 0;
        p.f.precPresent = true;
        i = pr.next;
      }
    }
    if (i >= end) {
      p.out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') {
      p.out += '%';
    } else if (argNum >= args.length) {
      p.out += `%!${verb}(MISSING)`;
    } else {
      if (verb === 'v') {
        p.f.sharpV = p.f.sharp;
        p.f.sharp = false;
        p.f.plusV = p.f.plus;
        p.f.plus = false;
      }
      p.printArg(args[argNum], verb);
      argNum++;
    }
  }
  if (argNum < args.length) {
    p.f = clearFlags();
    p.out += '%!(EXTRA ';
    args.slice(argNum).forEach((arg, k) => {
      if (k > 0) p.out += ', ';
      if (isNil(arg)) p.out += '<nil>';
      else {
        p.out += `${typeName(arg)}=`;
        p.printArg(arg, 'v');
      }
    });
    p.out += ')';
  }
  return p.out;
}
