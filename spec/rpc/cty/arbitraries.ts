/** fast-check generators for cty types and values and for HCL specs. */
import fc from 'fast-check';
import type { CtyType, CtyValue } from '../../../rpc/cty/index.js';
import { ctyNumber } from '../../../rpc/cty/index.js';
import type { HclSpec, HclSpecNode } from '../../../rpc/hclspec/index.js';

const name = fc.oneof(
  fc.constantFrom('name', 'count', 'tags', 'ssh_port', 'a', 'b', '__proto__', 'toString', 'ünïcode', '😀'),
  fc.string({ minLength: 1, maxLength: 8 }),
);

export interface TypeOptions {
  /** Allow `dynamic` (not gob-encodable). */
  readonly dynamic?: boolean;
  /** Allow object types with optional attributes (sdkfork only). */
  readonly optional?: boolean;
  /** Only what the protobuf ConfigSpec carries: primitives and list/map of them. */
  readonly protobuf?: boolean;
}

/** A cty type, at most a few levels deep. */
export function arbCtyType(options: TypeOptions = {}): fc.Arbitrary<CtyType> {
  const primitives: CtyType['kind'][] = ['string', 'number', 'bool'];
  if (options.dynamic) primitives.push('dynamic');
  const leaf = fc.constantFrom(...primitives).map((kind) => ({ kind }) as CtyType);
  if (options.protobuf) {
    return fc.letrec<{ t: CtyType }>((tie) => ({
      t: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.record({ kind: fc.constantFrom('list' as const, 'map' as const), element: tie('t') }),
      ),
    })).t;
  }
  return fc.letrec<{ t: CtyType }>((tie) => ({
    t: fc.oneof(
      { depthSize: 'small', withCrossShrink: true, maxDepth: 4 },
      leaf,
      fc.record({
        kind: fc.constantFrom('list' as const, 'set' as const, 'map' as const),
        element: tie('t'),
      }),
      fc.array(tie('t'), { maxLength: 3 }).map((elements): CtyType => ({ kind: 'tuple', elements })),
      fc
        .uniqueArray(fc.tuple(name, tie('t')), { maxLength: 3, selector: ([n]) => n })
        .chain((entries): fc.Arbitrary<CtyType> =>
          (options.optional ? fc.subarray(entries.map(([n]) => n)) : fc.constant([] as string[])).map(
            (optional) => {
              const attributes = Object.fromEntries(entries);
              return optional.length > 0
                ? { kind: 'object', attributes, optional }
                : { kind: 'object', attributes };
            },
          ),
        ),
    ),
  })).t;
}

export interface ValueOptions {
  readonly unknown?: boolean;
  readonly nulls?: boolean;
  /** Numbers as decimal text beyond float64 as well. */
  readonly decimals?: boolean;
}

const finiteNumber = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, 2 ** 53, -(2 ** 62), 2 ** 63, 0.1, 1e-300, 5e-324, 1.7976931348623157e308),
);

const decimalText = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 40n }), fc.integer({ min: -60, max: 40 }))
  .map(([neg, digits, exp]) => `${neg ? '-' : ''}${digits}e${exp}`);

function arbNumber(options: ValueOptions): fc.Arbitrary<CtyValue> {
  const plain = finiteNumber.map((value): CtyValue => ({ kind: 'number', value }));
  if (!options.decimals) return plain;
  // ctyNumber keeps the decimal text only when no float64 is exactly the number.
  return fc.oneof(
    plain,
    decimalText.map((text) => ctyNumber(text)),
  );
}

/** A value of `type`. */
export function arbCtyValue(type: CtyType, options: ValueOptions = {}, depth = 0): fc.Arbitrary<CtyValue> {
  const specials: fc.Arbitrary<CtyValue>[] = [];
  if (options.nulls) specials.push(fc.constant({ kind: 'null' }));
  if (options.unknown) specials.push(fc.constant({ kind: 'unknown' }));
  const withSpecials = (a: fc.Arbitrary<CtyValue>): fc.Arbitrary<CtyValue> =>
    specials.length > 0 && depth > 0
      ? fc.oneof({ weight: 5, arbitrary: a }, ...specials.map((s) => ({ weight: 1, arbitrary: s })))
      : a;
  switch (type.kind) {
    case 'string':
      return withSpecials(
        fc.string({ maxLength: 12, unit: 'grapheme' }).map((value) => ({ kind: 'string', value })),
      );
    case 'bool':
      return withSpecials(fc.boolean().map((value) => ({ kind: 'bool', value })));
    case 'number':
      return withSpecials(arbNumber(options));
    case 'dynamic':
      return withSpecials(
        arbCtyType().chain((inner) =>
          arbCtyValue(inner, options, depth + 1).map((value): CtyValue => ({
            kind: 'dynamic',
            type: inner,
            value,
          })),
        ),
      );
    case 'list':
      return withSpecials(
        fc
          .array(arbCtyValue(type.element, options, depth + 1), { maxLength: 3 })
          .map((elements): CtyValue => ({ kind: 'list', elements })),
      );
    case 'set':
      // A cty set holds each value once.
      return withSpecials(
        fc
          .uniqueArray(arbCtyValue(type.element, options, depth + 1), {
            maxLength: 3,
            selector: (e) => JSON.stringify(e, (_k, v: unknown) => (typeof v === 'number' ? String(v) : v)),
          })
          .map((elements): CtyValue => ({ kind: 'set', elements })),
      );
    case 'tuple':
      return withSpecials(
        fc
          .tuple(...type.elements.map((t) => arbCtyValue(t, options, depth + 1)))
          .map((elements): CtyValue => ({
            kind: 'tuple',
            elements,
          })),
      );
    case 'map':
      return withSpecials(
        fc
          .uniqueArray(fc.tuple(name, arbCtyValue(type.element, options, depth + 1)), {
            maxLength: 3,
            selector: ([k]) => k,
          })
          .map((entries): CtyValue => ({ kind: 'map', attributes: Object.fromEntries(entries) })),
      );
    case 'object': {
      const names = Object.keys(type.attributes);
      return withSpecials(
        fc
          .tuple(...names.map((n) => arbCtyValue(type.attributes[n]!, options, depth + 1)))
          .map((values): CtyValue => ({
            kind: 'object',
            attributes: Object.fromEntries(names.map((n, i) => [n, values[i]!])),
          })),
      );
    }
  }
}

/** A type together with a value of it. */
export function arbTypedValue(
  types: TypeOptions = {},
  values: ValueOptions = {},
): fc.Arbitrary<{ type: CtyType; value: CtyValue }> {
  return arbCtyType(types).chain((type) => arbCtyValue(type, values).map((value) => ({ type, value })));
}

export interface SpecOptions extends TypeOptions {
  /** Allow blockAttrs and blockObject (gob only). */
  readonly allKinds?: boolean;
}

/** An HCL spec with unique keys, a few levels of blocks. */
export function arbHclSpec(options: SpecOptions = {}): fc.Arbitrary<HclSpec> {
  const type = arbCtyType(options);
  return fc.letrec<{ spec: HclSpec; node: HclSpecNode }>((tie) => {
    const kinds: fc.Arbitrary<HclSpecNode>[] = [
      fc.record({ kind: fc.constant('attr' as const), name, type, required: fc.boolean() }),
      fc.record({
        kind: fc.constant('block' as const),
        typeName: name,
        nested: tie('spec'),
        required: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('blockList' as const),
        typeName: name,
        nested: tie('spec'),
        minItems: options.protobuf ? fc.constant(0) : fc.nat(5),
        maxItems: options.protobuf ? fc.constant(0) : fc.nat(5),
      }),
    ];
    if (options.allKinds) {
      kinds.push(
        fc.record({
          kind: fc.constant('blockAttrs' as const),
          typeName: name,
          elementType: type,
          required: fc.boolean(),
        }),
        fc.record({
          kind: fc.constant('blockObject' as const),
          typeName: name,
          labelNames: fc.array(name, { maxLength: 2 }),
          nested: tie('spec'),
        }),
      );
    }
    return {
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true, maxDepth: 3 }, ...kinds),
      spec: fc
        .uniqueArray(fc.tuple(name, tie('node')), { maxLength: 4, selector: ([k]) => k })
        .map((entries) => Object.fromEntries(entries)),
    };
  }).spec;
}
