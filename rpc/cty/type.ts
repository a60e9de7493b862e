import { SdkError } from '../../errors/index.js';

/**
 * A cty type (github.com/zclconf/go-cty), the type system of HCL2 configs. `dynamic` is cty's
 * DynamicPseudoType ("any"). `optional` lists object attributes declared optional (go-cty ≥1.7
 * and the SDK's fork only).
 */
export type CtyType =
  | { readonly kind: 'string' | 'number' | 'bool' | 'dynamic' }
  | { readonly kind: 'list' | 'set' | 'map'; readonly element: CtyType }
  | {
      readonly kind: 'object';
      readonly attributes: Readonly<Record<string, CtyType>>;
      readonly optional?: readonly string[];
    }
  | { readonly kind: 'tuple'; readonly elements: readonly CtyType[] };

/** The member of a `kind`-tagged union whose kind set includes K (Extract cannot see inside `'list' | 'set'`). */
export type ByKind<U, K> = U extends { readonly kind: infer UK } ? (K extends UK ? U : never) : never;

export type CtyTypeOf<K extends CtyType['kind']> = ByKind<CtyType, K>;

/** Constructors that read like cty's own (`cty.list(cty.string)`). */
export const cty = {
  string: { kind: 'string' } as CtyType,
  number: { kind: 'number' } as CtyType,
  bool: { kind: 'bool' } as CtyType,
  dynamic: { kind: 'dynamic' } as CtyType,
  list: (element: CtyType): CtyType => ({ kind: 'list', element }),
  set: (element: CtyType): CtyType => ({ kind: 'set', element }),
  map: (element: CtyType): CtyType => ({ kind: 'map', element }),
  object: (attributes: Readonly<Record<string, CtyType>>, optional?: readonly string[]): CtyType =>
    optional && optional.length > 0
      ? { kind: 'object', attributes, optional }
      : { kind: 'object', attributes },
  tuple: (elements: readonly CtyType[]): CtyType => ({ kind: 'tuple', elements }),
} as const;

/** Deepest type nesting accepted from the wire; real configs nest a handful of levels. */
export const MAX_CTY_DEPTH = 64;

export function ctyTypeError(message: string, path = ''): SdkError {
  return new SdkError('PKR_ERR_CTY_TYPE', path ? `${message} (at ${path})` : message, { details: { path } });
}

/** Own enumerable attribute names, so a `__proto__` attribute is an attribute like any other. */
export function attributeNames(type: CtyTypeOf<'object'>): string[] {
  return Object.keys(type.attributes);
}

export function attributeType(type: CtyTypeOf<'object'>, name: string): CtyType | undefined {
  return Object.hasOwn(type.attributes, name) ? type.attributes[name] : undefined;
}

/** Builds a record from entries without letting a `__proto__` key touch the prototype. */
export function recordOf<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  return Object.fromEntries(entries);
}

/** Checks that `value` is a well-formed CtyType (for types that came from outside). */
export function assertCtyType(value: unknown, path = '', depth = 0): asserts value is CtyType {
  if (depth > MAX_CTY_DEPTH) throw ctyTypeError(`type nested deeper than ${MAX_CTY_DEPTH}`, path);
  if (typeof value !== 'object' || value === null) throw ctyTypeError('a cty type must be an object', path);
  const type = value as Record<string, unknown>;
  switch (type.kind) {
    case 'string':
    case 'number':
    case 'bool':
    case 'dynamic':
      return;
    case 'list':
    case 'set':
    case 'map':
      assertCtyType(type.element, `${path}.element`, depth + 1);
      return;
    case 'object': {
      const attrs = type.attributes;
      if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) {
        throw ctyTypeError('an object type needs an attributes record', path);
      }
      for (const [name, attr] of Object.entries(attrs)) assertCtyType(attr, `${path}.${name}`, depth + 1);
      if (type.optional !== undefined) {
        if (!Array.isArray(type.optional)) throw ctyTypeError('optional must be an array of names', path);
        for (const name of type.optional as unknown[]) {
          if (typeof name !== 'string' || !Object.hasOwn(attrs, name)) {
            throw ctyTypeError(`optional attribute ${String(name)} is not an attribute`, path);
          }
        }
      }
      return;
    }
    case 'tuple':
      if (!Array.isArray(type.elements)) throw ctyTypeError('a tuple type needs an elements array', path);
      (type.elements as unknown[]).forEach((element, i) =>
        assertCtyType(element, `${path}[${i}]`, depth + 1),
      );
      return;
    default:
      throw ctyTypeError(`unknown type kind ${JSON.stringify(type.kind)}`, path);
  }
}

/** Structural equality (object attribute order and optional-list order do not matter). */
export function ctyTypeEquals(a: CtyType, b: CtyType): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'list':
    case 'set':
    case 'map':
      return ctyTypeEquals(a.element, (b as CtyTypeOf<'list'>).element);
    case 'tuple': {
      const other = (b as CtyTypeOf<'tuple'>).elements;
      return a.elements.length === other.length && a.elements.every((t, i) => ctyTypeEquals(t, other[i]!));
    }
    case 'object': {
      const other = b as CtyTypeOf<'object'>;
      const names = attributeNames(a);
      if (names.length !== attributeNames(other).length) return false;
      const optA = new Set(a.optional ?? []);
      const optB = new Set(other.optional ?? []);
      if (optA.size !== optB.size || [...optA].some((n) => !optB.has(n))) return false;
      return names.every((n) => {
        const t = attributeType(other, n);
        return t !== undefined && ctyTypeEquals(a.attributes[n]!, t);
      });
    }
    default:
      return true;
  }
}

/** True when `type` contains `dynamic` anywhere. */
export function ctyTypeHasDynamic(type: CtyType): boolean {
  switch (type.kind) {
    case 'dynamic':
      return true;
    case 'list':
    case 'set':
    case 'map':
      return ctyTypeHasDynamic(type.element);
    case 'object':
      return Object.values(type.attributes).some(ctyTypeHasDynamic);
    case 'tuple':
      return type.elements.some(ctyTypeHasDynamic);
    default:
      return false;
  }
}

/** cty's GoString form for the three primitives (`cty.String` …), as protobuf specs name them. */
export function ctyPrimitiveGoString(type: CtyType): string | undefined {
  switch (type.kind) {
    case 'string':
      return 'cty.String';
    case 'number':
      return 'cty.Number';
    case 'bool':
      return 'cty.Bool';
    default:
      return undefined;
  }
}

/** Go's sort.Strings order: by UTF-8 bytes, which differs from JS's UTF-16 order above U+FFFF. */
export function compareGoStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ea = Buffer.from(a, 'utf8');
  const eb = Buffer.from(b, 'utf8');
  return Buffer.compare(ea, eb);
}
