/**
 * Go text/template's predefined functions: `and or not len index slice print printf println
 * html js urlquery call eq ne lt le gt ge`, with Go's argument rules and error wording.
 */
import type { EvaluatorFunction } from './functions.js';
import { sprint, sprintln } from './go-fmt.js';
import { sprintf } from './go-printf.js';
import { fromUtf8, isPrint, utf8Bytes, utf8Length } from './go-strconv.js';
import { compareStrings, fromHost, isNil, kindOf, mapLength, mapLookup, truth, typeName } from './values.js';

const raw = (fn: Omit<EvaluatorFunction, 'raw'>): EvaluatorFunction => ({ ...fn, raw: true });

// ---- comparison -------------------------------------------------------------------------------

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'invalid';

function basicKind(v: unknown): BasicKind {
  const k = kindOf(v);
  return k === 'bool' || k === 'int' || k === 'float' || k === 'string' ? k : 'invalid';
}

function isComparable(v: unknown): boolean {
  const k = kindOf(v);
  return k !== 'slice' && k !== 'map' && k !== 'func';
}

function eq(arg1: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    let result = false;
    if (k1 !== k2) {
      if (!isNil(arg1) && !isNil(arg)) throw new Error('incompatible types for comparison');
    } else if (k1 !== 'invalid') {
      result = arg1 === arg;
    } else {
      const kind1 = kindOf(arg1);
      const kind2 = kindOf(arg);
      if (kind1 !== kind2 && !isNil(arg1) && !isNil(arg)) {
        throw new Error(
          `non-comparable types ${sprintf('%s', [arg1])}: ${typeName(arg1)}, ${typeName(arg)}: ${sprint([arg])}`,
        );
      }
      if (isNil(arg1) || isNil(arg)) {
        result = isNil(arg) === isNil(arg1);
      } else {
        if (!isComparable(arg))
          throw new Error(`non-comparable type ${sprintf('%s', [arg])}: ${typeName(arg)}`);
        result = arg1 === arg;
      }
    }
    if (result) return true;
  }
  return false;
}

function lt(arg1: unknown, arg2: unknown): boolean {
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new Error('invalid type for comparison');
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new Error('invalid type for comparison');
  if (k1 !== k2) throw new Error('incompatible types for comparison');
  switch (k1) {
    case 'bool':
      throw new Error('invalid type for comparison');
    case 'string':
      return compareStrings(arg1 as string, arg2 as string) < 0;
    default:
      return (arg1 as number | bigint) < (arg2 as number | bigint);
  }
}

function le(arg1: unknown, arg2: unknown): boolean {
  return lt(arg1, arg2) || eq(arg1, arg2);
}

// ---- indexing ---------------------------------------------------------------------------------

function indexArg(index: unknown, cap: number): number {
  if (isNil(index)) throw new Error('cannot index slice/array with nil');
  if (typeof index !== 'bigint') throw new Error(`cannot index slice/array with type ${typeName(index)}`);
  if (index < 0n || index > BigInt(cap)) throw new Error(`index out of range: ${index}`);
  return Number(index);
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (isNil(item)) throw new Error('index of untyped nil');
  let current = item;
  for (const ix of indexes) {
    if (isNil(current)) throw new Error('index of nil pointer');
    switch (kindOf(current)) {
      case 'slice': {
        const items = current as unknown[];
        const x = indexArg(ix, items.length);
        // Go's reflect panics on index == len after the range check above lets it through.
        if (x === items.length) throw new Error('reflect: slice index out of range');
        current = fromHost(items[x]);
        if (current === undefined) current = null;
        break;
      }
      case 'string': {
        const bytes = utf8Bytes(current as string);
        const x = indexArg(ix, bytes.length);
        if (x === bytes.length) throw new Error('reflect: string index out of range');
        current = BigInt(bytes[x] ?? 0);
        break;
      }
      case 'map': {
        if (isNil(ix)) throw new Error('value is nil; should be of type string');
        if (typeof ix !== 'string') throw new Error(`value has type ${typeName(ix)}; should be string`);
        const found = mapLookup(current as object, ix);
        // A missing key yields the element type's zero value: a nil interface.
        current = found === undefined ? null : found;
        break;
      }
      default:
        throw new Error(`can't index item of type ${typeName(current)}`);
    }
  }
  return current;
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (isNil(item)) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  const kind = kindOf(item);
  let length: number;
  if (kind === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    length = utf8Length(item as string);
  } else if (kind === 'slice') {
    length = (item as unknown[]).length;
  } else {
    throw new Error(`can't slice item of type ${typeName(item)}`);
  }
  const idx = [0, length, length];
  indexes.forEach((ix, i) => {
    idx[i] = indexArg(ix, length);
  });
  const [lo = 0, hi = length, max = length] = idx;
  if (lo > hi) throw new Error(`invalid slice index: ${lo} > ${hi}`);
  if (indexes.length === 3 && hi > max) throw new Error(`invalid slice index: ${hi} > ${max}`);
  if (kind === 'string') return fromUtf8(utf8Bytes(item as string).slice(lo, hi));
  return (item as unknown[]).slice(lo, hi);
}

function length(item: unknown): bigint {
  if (item === null) throw new Error('len of nil pointer');
  // Go asks reflect for the type of the zero Value here and reports its panic.
  if (item === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  switch (kindOf(item)) {
    case 'string':
      return BigInt(utf8Length(item as string));
    case 'slice':
      return BigInt((item as unknown[]).length);
    case 'map':
      return BigInt(mapLength(item));
    default:
      throw new Error(`len of type ${typeName(item)}`);
  }
}

function call(fn: unknown, ...args: unknown[]): unknown {
  if (isNil(fn)) throw new Error('call of nil');
  if (typeof fn !== 'function') throw new Error(`non-function of type ${typeName(fn)}`);
  return (fn as (...a: unknown[]) => unknown)(...args);
}

// ---- escaping ---------------------------------------------------------------------------------

/** Go's `evalArgs`: one string passes through; anything else is printed, absent values as `<no value>`. */
function evalArgs(args: readonly unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (a === undefined || a === null ? '<no value>' : a)));
}

/** Go's `template.HTMLEscapeString`. */
export function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) =>
    c === '\0'
      ? '\ufffd'
      : c === '"'
        ? '&#34;'
        : c === "'"
          ? '&#39;'
          : c === '&'
            ? '&amp;'
            : c === '<'
              ? '&lt;'
              : '&gt;',
  );
}

const jsSimple: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '<': '\\u003C',
  '>': '\\u003E',
  '&': '\\u0026',
  '=': '\\u003D',
};

/** Go's `template.JSEscapeString`. */
export function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const r = ch.codePointAt(0) ?? 0;
    const simple = jsSimple[ch];
    if (simple !== undefined) out += simple;
    else if (r < 0x20) out += `\\u00${r.toString(16).toUpperCase().padStart(2, '0')}`;
    else if (r < 0x80 || isPrint(r)) out += ch;
    else out += `\\u${r.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** Go's `url.QueryEscape`: spaces become `+`, everything but `A-Za-z0-9-_.~` is %-encoded. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The predefined functions every template can call. */
export const builtinFunctions: ReadonlyMap<string, EvaluatorFunction> = new Map<string, EvaluatorFunction>([
  ['and', raw({ params: ['any'], variadic: 'any', call: () => undefined, shortCircuit: 'and' })],
  ['or', raw({ params: ['any'], variadic: 'any', call: () => undefined, shortCircuit: 'or' })],
  ['not', raw({ params: ['any'], call: (a) => !truth(a) })],
  ['call', raw({ params: ['any'], variadic: 'any', call })],
  ['html', raw({ params: [], variadic: 'any', call: (...a) => htmlEscape(evalArgs(a)) })],
  ['js', raw({ params: [], variadic: 'any', call: (...a) => jsEscape(evalArgs(a)) })],
  ['urlquery', raw({ params: [], variadic: 'any', call: (...a) => queryEscape(evalArgs(a)) })],
  ['index', raw({ params: ['any'], variadic: 'any', call: index })],
  ['slice', raw({ params: ['any'], variadic: 'any', call: slice })],
  ['len', raw({ params: ['any'], call: length })],
  ['print', raw({ params: [], variadic: 'any', call: (...a) => sprint(a) })],
  ['println', raw({ params: [], variadic: 'any', call: (...a) => sprintln(a) })],
  ['printf', raw({ params: ['string'], variadic: 'any', call: (f, ...a) => sprintf(f as string, a) })],
  ['eq', raw({ params: ['any'], variadic: 'any', call: eq })],
  ['ne', raw({ params: ['any', 'any'], call: (a, b) => !eq(a, b) })],
  ['lt', raw({ params: ['any', 'any'], call: lt })],
  ['le', raw({ params: ['any', 'any'], call: le })],
  ['gt', raw({ params: ['any', 'any'], call: (a, b) => !le(a, b) })],
  ['ge', raw({ params: ['any', 'any'], call: (a, b) => !lt(a, b) })],
]);
