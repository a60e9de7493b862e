import { SdkError } from '../../errors/index.js';
import { decimalEquals, decimalToFloat, floatToDecimal, formatDecimal, parseDecimal } from './number.js';
import type { ByKind, CtyType } from './type.js';
import { formatCtyType } from './type-json.js';
import { MAX_CTY_DEPTH, attributeNames, attributeType, compareGoStrings, ctyTypeEquals } from './type.js';

/**
 * A cty value. It is read against a CtyType: `null` and `unknown` fit every type, the other
 * kinds the type of the same name. A number is a float64 `value`, plus the exact `decimal`
 * text when the float64 is not exactly the number (cty numbers are arbitrary precision: JSON
 * `0.1` is not the float64 0.1). Under a `dynamic` type a value carries its own type.
 */
export type CtyValue =
  | { readonly kind: 'null' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number; readonly decimal?: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'list' | 'set' | 'tuple'; readonly elements: readonly CtyValue[] }
  | { readonly kind: 'map' | 'object'; readonly attributes: Readonly<Record<string, CtyValue>> }
  | { readonly kind: 'dynamic'; readonly type: CtyType; readonly value: CtyValue };

export type CtyValueOf<K extends CtyValue['kind']> = ByKind<CtyValue, K>;

/** A value together with its type, as a cty JSON document or a gob cty.Value carries it. */
export interface CtyTypedValue {
  readonly type: CtyType;
  readonly value: CtyValue;
}

export function ctyValueError(message: string, path = ''): SdkError {
  return new SdkError('PKR_ERR_CTY_VALUE', path ? `${message} (at ${path || '.'})` : message, {
    details: { path },
  });
}

/** A number value from a float64, an integer bigint, or decimal text (kept exactly). */
export function ctyNumber(input: number | bigint | string): CtyValueOf<'number'> {
  if (typeof input === 'number') {
    if (Number.isNaN(input)) throw ctyValueError('cty numbers cannot be NaN');
    return { kind: 'number', value: input };
  }
  const d = parseDecimal(typeof input === 'bigint' ? input.toString() : input);
  if (!d) throw ctyValueError(`${JSON.stringify(String(input).slice(0, 40))} is not a number`);
  const { value, exact } = decimalToFloat(d);
  return exact ? { kind: 'number', value } : { kind: 'number', value, decimal: formatDecimal(d) };
}

/** Value constructors: `ctyVal.object({ id: ctyVal.string('ami-123') })`. */
export const ctyVal = {
  null: { kind: 'null' } as CtyValue,
  unknown: { kind: 'unknown' } as CtyValue,
  string: (value: string): CtyValue => ({ kind: 'string', value }),
  number: (value: number | bigint | string): CtyValue => ctyNumber(value),
  bool: (value: boolean): CtyValue => ({ kind: 'bool', value }),
  list: (elements: readonly CtyValue[]): CtyValue => ({ kind: 'list', elements }),
  set: (elements: readonly CtyValue[]): CtyValue => ({ kind: 'set', elements }),
  tuple: (elements: readonly CtyValue[]): CtyValue => ({ kind: 'tuple', elements }),
  map: (attributes: Readonly<Record<string, CtyValue>>): CtyValue => ({ kind: 'map', attributes }),
  object: (attributes: Readonly<Record<string, CtyValue>>): CtyValue => ({ kind: 'object', attributes }),
  dynamic: (type: CtyType, value: CtyValue): CtyValue => ({ kind: 'dynamic', type, value }),
} as const;

/** The exact decimal of a number value (for comparisons and encoders). */
export function numberDecimal(value: CtyValueOf<'number'>): ReturnType<typeof parseDecimal> {
  if (value.decimal !== undefined) return parseDecimal(value.decimal);
  return Number.isFinite(value.value) ? floatToDecimal(value.value) : undefined;
}

/**
 * Checks that `value` conforms to `type`, throwing PKR_ERR_CTY_VALUE with the path of the
 * first mismatch. Object values must have exactly the type's attributes.
 */
export function checkCtyValue(value: CtyValue, type: CtyType, path = '', depth = 0): void {
  if (depth > MAX_CTY_DEPTH) throw ctyValueError(`value nested deeper than ${MAX_CTY_DEPTH}`, path);
  if (value.kind === 'null' || value.kind === 'unknown') return;
  if (type.kind === 'dynamic') {
    if (value.kind !== 'dynamic') return; // primitives and collections can sit under dynamic as they are
    checkCtyValue(value.value, value.type, path, depth + 1);
    return;
  }
  if (value.kind === 'dynamic') {
    if (!ctyTypeEquals(value.type, type)) {
      throw ctyValueError(
        `value of type ${formatCtyType(value.type)} where ${formatCtyType(type)} is needed`,
        path,
      );
    }
    checkCtyValue(value.value, type, path, depth + 1);
    return;
  }
  if (value.kind !== type.kind)
    throw ctyValueError(`${value.kind} value where ${formatCtyType(type)} is needed`, path);
  switch (type.kind) {
    case 'number': {
      const n = value as CtyValueOf<'number'>;
      if (Number.isNaN(n.value)) throw ctyValueError('cty numbers cannot be NaN', path);
      if (n.decimal !== undefined && parseDecimal(n.decimal) === undefined) {
        throw ctyValueError(`decimal ${JSON.stringify(n.decimal)} is not a number`, path);
      }
      return;
    }
    case 'list':
    case 'set':
      (value as CtyValueOf<'list'>).elements.forEach((e, i) =>
        checkCtyValue(e, type.element, `${path}[${i}]`, depth + 1),
      );
      return;
    case 'tuple': {
      const elements = (value as CtyValueOf<'tuple'>).elements;
      if (elements.length !== type.elements.length) {
        throw ctyValueError(
          `tuple of ${elements.length} elements where ${type.elements.length} are needed`,
          path,
        );
      }
      elements.forEach((e, i) => checkCtyValue(e, type.elements[i]!, `${path}[${i}]`, depth + 1));
      return;
    }
    case 'map':
      for (const [k, v] of Object.entries((value as CtyValueOf<'map'>).attributes)) {
        checkCtyValue(v, type.element, `${path}[${JSON.stringify(k)}]`, depth + 1);
      }
      return;
    case 'object': {
      const attrs = (value as CtyValueOf<'object'>).attributes;
      for (const name of Object.keys(attrs)) {
        if (attributeType(type, name) === undefined)
          throw ctyValueError(`unexpected attribute ${JSON.stringify(name)}`, path);
      }
      for (const name of attributeNames(type)) {
        const attr = Object.hasOwn(attrs, name) ? attrs[name] : undefined;
        if (attr === undefined) throw ctyValueError(`missing attribute ${JSON.stringify(name)}`, path);
        checkCtyValue(attr, type.attributes[name]!, `${path}.${name}`, depth + 1);
      }
      return;
    }
    default:
      return;
  }
}

/** Structural equality of values; set elements compare without regard to order. */
export function ctyValueEquals(a: CtyValue, b: CtyValue): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'null':
    case 'unknown':
      return true;
    case 'string':
    case 'bool':
      return a.value === (b as typeof a).value;
    case 'number': {
      const other = b as CtyValueOf<'number'>;
      if (!Number.isFinite(a.value) || !Number.isFinite(other.value)) return a.value === other.value;
      const da = numberDecimal(a);
      const db = numberDecimal(other);
      return da !== undefined && db !== undefined && decimalEquals(da, db);
    }
    case 'list':
    case 'tuple': {
      const other = (b as CtyValueOf<'list'>).elements;
      return a.elements.length === other.length && a.elements.every((e, i) => ctyValueEquals(e, other[i]!));
    }
    case 'set': {
      const other = [...(b as CtyValueOf<'set'>).elements];
      if (a.elements.length !== other.length) return false;
      return a.elements.every((e) => {
        const i = other.findIndex((o) => ctyValueEquals(e, o));
        if (i < 0) return false;
        other.splice(i, 1);
        return true;
      });
    }
    case 'map':
    case 'object': {
      const other = (b as CtyValueOf<'map'>).attributes;
      const keys = Object.keys(a.attributes);
      if (keys.length !== Object.keys(other).length) return false;
      return keys.every((k) => Object.hasOwn(other, k) && ctyValueEquals(a.attributes[k]!, other[k]!));
    }
    case 'dynamic': {
      const other = b as CtyValueOf<'dynamic'>;
      return ctyTypeEquals(a.type, other.type) && ctyValueEquals(a.value, other.value);
    }
  }
}

/**
 * The order Go emits set elements in: cty orders strings, numbers and bools by value (set
 * rules' Less); other elements keep their order here, as their Go order follows hash values
 * that only matter for byte equality, not for meaning.
 */
export function orderedSetElements(elements: readonly CtyValue[]): CtyValue[] {
  const rank = (v: CtyValue): number =>
    v.kind === 'string' || v.kind === 'number' || v.kind === 'bool' ? 0 : 1;
  return [...elements].sort((x, y) => {
    if (rank(x) !== rank(y) || rank(x) === 1 || x.kind !== y.kind) return rank(x) - rank(y);
    if (x.kind === 'string') return compareGoStrings(x.value, (y as typeof x).value);
    if (x.kind === 'bool') return Number(x.value) - Number((y as typeof x).value);
    return (x as CtyValueOf<'number'>).value - (y as CtyValueOf<'number'>).value;
  });
}
