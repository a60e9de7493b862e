/**
 * How JavaScript data looks to a Go template. Go is typed and JavaScript is not, so the
 * evaluator reads JS values through this mapping:
 *
 * | JavaScript                              | Go kind              | Go type name in messages   |
 * |-----------------------------------------|----------------------|----------------------------|
 * | `undefined` (or an absent key)          | no value (invalid)   | —                          |
 * | `null`                                  | nil interface        | `interface {}`             |
 * | `boolean`                               | bool                 | `bool`                     |
 * | `bigint`, integral `number`             | int                  | `int`                      |
 * | non-integral `number`, template `1.5`   | float64              | `float64`                  |
 * | `string`                                | string               | `string`                   |
 * | array                                   | slice                | `[]interface {}`           |
 * | plain object, `Map`                     | map with string keys | `map[string]interface {}`  |
 * | class instance                          | struct               | its constructor's name     |
 * | function                                | func                 | `func`                     |
 *
 * Integral numbers from data become `bigint` when read ({@link fromHost}), so inside the
 * evaluator `bigint` is Go's int and `number` is Go's float64.
 */

export type GoKind =
  'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'struct' | 'func';

/** Converts a value read from host data to its evaluator form (integral numbers → int). */
export function fromHost(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return value;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The Go kind a JavaScript value plays. */
export function kindOf(value: unknown): GoKind {
  switch (typeof value) {
    case 'undefined':
      return 'invalid';
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
    case 'function':
      return 'func';
    case 'symbol':
      return 'struct';
    case 'object':
      if (value === null) return 'nil';
      if (Array.isArray(value)) return 'slice';
      if (value instanceof Map || isPlainObject(value)) return 'map';
      return 'struct';
  }
  return 'struct';
}

/** The Go type name used in messages (`wrong type for value; expected string; got int`). */
export function typeName(value: unknown): string {
  switch (kindOf(value)) {
    case 'invalid':
    case 'nil':
      return 'interface {}';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'slice':
      return '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'func':
      return 'func';
    case 'struct': {
      const ctor: unknown = (value as { constructor?: unknown }).constructor;
      return typeof ctor === 'function' && ctor.name !== '' ? ctor.name : 'struct {}';
    }
  }
}

/** True for Go's nil: an absent value or a nil interface. */
export function isNil(value: unknown): boolean {
  return value === undefined || value === null;
}

/** Go's `isTrue` for if/with/and/or/not: empty values and zero numbers are false. */
export function truth(value: unknown): boolean {
  switch (kindOf(value)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'bool':
      return value === true;
    case 'int':
      return value !== 0n;
    case 'float':
      return value !== 0;
    case 'string':
      return (value as string).length > 0;
    case 'slice':
      return (value as unknown[]).length > 0;
    case 'map':
      return mapSize(value as object) > 0;
    case 'struct':
    case 'func':
      return true;
  }
}

function mapSize(map: object): number {
  return map instanceof Map ? map.size : Object.keys(map).length;
}

/** Go's string ordering: byte-wise on UTF-8, which is code point order. */
export function compareStrings(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const d = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
}

function keyRank(key: unknown): number {
  switch (typeof key) {
    case 'boolean':
      return 0;
    case 'bigint':
    case 'number':
      return 1;
    case 'string':
      return 2;
    default:
      return 3;
  }
}

function compareKeys(a: unknown, b: unknown): number {
  const ra = keyRank(a);
  const rb = keyRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

/**
 * A map's entries in Go's `fmtsort` order (sorted keys), as `range` and `fmt` see them.
 * Entries whose value is `undefined` count as absent.
 */
export function sortedEntries(map: object): Array<[unknown, unknown]> {
  const entries: Array<[unknown, unknown]> =
    map instanceof Map
      ? [...(map as Map<unknown, unknown>).entries()]
      : Object.entries(map as Record<string, unknown>);
  return entries
    .filter(([, v]) => v !== undefined)
    .map(([k, v]): [unknown, unknown] => [fromHost(k), fromHost(v)])
    .sort(([a], [b]) => compareKeys(a, b));
}

/** Looks `key` up in a map; `undefined` when absent. */
export function mapLookup(map: object, key: string): unknown {
  if (map instanceof Map) return fromHost((map as Map<unknown, unknown>).get(key));
  if (!Object.prototype.hasOwnProperty.call(map, key)) return undefined;
  return fromHost((map as Record<string, unknown>)[key]);
}

/** Number of entries of a map (absent values excluded). */
export function mapLength(map: object): number {
  return sortedEntries(map).length;
}

/** A struct's fields for `%v`: own enumerable properties that are not functions. */
export function structFields(value: object): Array<[string, unknown]> {
  return Object.entries(value)
    .filter(([, v]) => typeof v !== 'function')
    .map(([k, v]): [string, unknown] => [k, fromHost(v)]);
}

/** A struct's `toString`, when it defines its own — Go's `fmt.Stringer`. */
export function stringerOf(value: unknown): (() => string) | undefined {
  if (kindOf(value) !== 'struct' || typeof value !== 'object' || value === null) return undefined;
  const fn: unknown = (value as { toString?: unknown }).toString;
  if (typeof fn !== 'function' || fn === Object.prototype.toString) return undefined;
  return () => String(fn.call(value));
}
