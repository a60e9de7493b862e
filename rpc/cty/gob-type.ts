import { SdkError } from '../../errors/index.js';
import type { GoGobEncodable, GoInterfaceValue, GoType, GobValue } from '../gob/index.js';
import {
  GobStreamEncoder,
  GobTypeSpace,
  decodeGobValue,
  expectGobKind,
  goBasic,
  goMap,
  goSlice,
  goStruct,
} from '../gob/index.js';
import type { CtyType } from './type.js';
import { MAX_CTY_DEPTH, attributeNames, compareGoStrings, recordOf } from './type.js';

/**
 * Which go-cty produced (or will read) the bytes: `packer166` is go-cty v1.4.0 as vendored by
 * Packer 1.6.6; `sdkfork` is github.com/nywilken/go-cty v1.13.3, which packer-plugin-sdk v0.6
 * uses. They differ only for object types, whose Go struct gained `AttrOptional` (§5.4).
 */
export type CtyGobFlavor = 'packer166' | 'sdkfork';

export const CTY_PKG = 'github.com/zclconf/go-cty/cty';

/** cty.Type: a GobEncoder whose bytes are a nested gob stream of gobType. */
export const ctyTypeGo: GoType = { kind: 'gobEncoder', named: { name: 'Type', pkgPath: CTY_PKG } };

const gobTypeGo = goStruct(
  [
    { name: 'Version', type: goBasic.int },
    { name: 'Impl', type: goBasic.interface },
  ],
  { name: 'gobType', pkgPath: CTY_PKG },
);
const primitiveTypeGo = goStruct(
  [{ name: 'Kind', type: { kind: 'uint', goName: 'cty.primitiveTypeKind' } }],
  {
    name: 'primitiveType',
    pkgPath: CTY_PKG,
  },
);
const elementTypeGo = (name: string): GoType =>
  goStruct([{ name: 'ElementTypeT', type: ctyTypeGo }], { name, pkgPath: CTY_PKG });
const typeListGo = elementTypeGo('typeList');
const typeMapGo = elementTypeGo('typeMap');
const typeSetGo = elementTypeGo('typeSet');
const typeObjectGo: Record<CtyGobFlavor, GoType> = {
  packer166: goStruct([{ name: 'AttrTypes', type: goMap(goBasic.string, ctyTypeGo) }], {
    name: 'typeObject',
    pkgPath: CTY_PKG,
  }),
  sdkfork: goStruct(
    [
      { name: 'AttrTypes', type: goMap(goBasic.string, ctyTypeGo) },
      { name: 'AttrOptional', type: goMap(goBasic.string, goStruct([])) },
    ],
    { name: 'typeObject', pkgPath: CTY_PKG },
  ),
};
const typeTupleGo = goStruct([{ name: 'ElemTypes', type: goSlice(ctyTypeGo) }], {
  name: 'typeTuple',
  pkgPath: CTY_PKG,
});

const PRIMITIVE_KINDS = { string: 0x53, number: 0x4e, bool: 0x42 } as const; // 'S', 'N', 'B'

function unencodable(message: string): SdkError {
  return new SdkError('PKR_ERR_CTY_UNENCODABLE', message, {});
}

function implValue(type: CtyType, flavor: CtyGobFlavor): GoInterfaceValue {
  const name = (n: string): string => `${CTY_PKG}.${n}`;
  switch (type.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return {
        concreteName: name('primitiveType'),
        type: primitiveTypeGo,
        value: { Kind: PRIMITIVE_KINDS[type.kind] },
      };
    case 'dynamic':
      // Go fails the same way: cty.pseudoTypeDynamic is never registered with gob.
      throw unencodable(
        'the dynamic type ("any") cannot be gob-encoded: type not registered for interface: cty.pseudoTypeDynamic',
      );
    case 'list':
      return {
        concreteName: name('typeList'),
        type: typeListGo,
        value: { ElementTypeT: ctyTypeGobEncodable(type.element, flavor) },
      };
    case 'map':
      return {
        concreteName: name('typeMap'),
        type: typeMapGo,
        value: { ElementTypeT: ctyTypeGobEncodable(type.element, flavor) },
      };
    case 'set':
      return {
        concreteName: name('typeSet'),
        type: typeSetGo,
        value: { ElementTypeT: ctyTypeGobEncodable(type.element, flavor) },
      };
    case 'tuple':
      return {
        concreteName: name('typeTuple'),
        type: typeTupleGo,
        value: { ElemTypes: type.elements.map((e) => ctyTypeGobEncodable(e, flavor)) },
      };
    case 'object': {
      const optional = [...(type.optional ?? [])].sort(compareGoStrings);
      if (optional.length > 0 && flavor === 'packer166') {
        throw unencodable(
          'optional object attributes need go-cty ≥1.7 (the sdkfork flavor); Packer 1.6.6 cannot read them',
        );
      }
      // Go writes map entries in random order; sorted is one of the orders Go may produce.
      const names = attributeNames(type).sort(compareGoStrings);
      return {
        concreteName: name('typeObject'),
        type: typeObjectGo[flavor],
        value: {
          AttrTypes: {
            entries: names.map((n) => [n, ctyTypeGobEncodable(type.attributes[n]!, flavor)] as const),
          },
          AttrOptional: optional.length > 0 ? { entries: optional.map((n) => [n, {}] as const) } : null,
        },
      };
    }
  }
}

/**
 * The GobEncoder value of a cty.Type, for embedding in a larger gob value (an AttrSpec's Type):
 * its bytes are written when the enclosing encoder reaches it, with ids from the same space.
 */
export function ctyTypeGobEncodable(type: CtyType, flavor: CtyGobFlavor): GoGobEncodable {
  return {
    gobEncode: (space) => new GobStreamEncoder(space).encode(gobTypeGo, { Impl: implValue(type, flavor) }),
  };
}

/**
 * `(cty.Type).GobEncode()` as a fresh Go process returns it (equal to the ctytype-*.hex
 * vectors). The dynamic type cannot be encoded (PKR_ERR_CTY_UNENCODABLE), as in Go.
 */
export function encodeCtyTypeGob(
  type: CtyType,
  flavor: CtyGobFlavor,
  space: GobTypeSpace = new GobTypeSpace(),
): Uint8Array {
  return ctyTypeGobEncodable(type, flavor).gobEncode(space);
}

function decodeError(message: string, path: string): SdkError {
  return new SdkError('PKR_ERR_GOB_DECODE', `cty.Type gob: ${message}${path ? ` (at ${path})` : ''}`, {
    details: { path },
  });
}

function expectEncoded(value: GobValue | null | undefined, what: string): Uint8Array {
  return expectGobKind(value, 'encoded', what).bytes;
}

/** Reads `(cty.Type).GobEncode()` bytes (either flavor) back into a CtyType. */
export function decodeCtyTypeGob(bytes: Uint8Array, path = '', depth = 0): CtyType {
  if (depth > MAX_CTY_DEPTH) throw decodeError(`types nested deeper than ${MAX_CTY_DEPTH}`, path);
  const root = expectGobKind(decodeGobValue(bytes), 'struct', 'cty.Type');
  const version = root.fields.get('Version');
  if (version && version.kind === 'int' && version.value !== 0n)
    throw decodeError(`unsupported version ${version.value}`, path);
  const impl = expectGobKind(root.fields.get('Impl'), 'interface', 'cty.Type Impl');
  const fields = expectGobKind(impl.value, 'struct', impl.name).fields;
  const nested = (value: GobValue | undefined, sub: string): CtyType =>
    decodeCtyTypeGob(expectEncoded(value, `${impl.name} element`), `${path}${sub}`, depth + 1);
  switch (impl.name) {
    case `${CTY_PKG}.primitiveType`: {
      const kind = fields.get('Kind');
      const code = kind && (kind.kind === 'uint' || kind.kind === 'int') ? Number(kind.value) : 0;
      const found = (Object.keys(PRIMITIVE_KINDS) as Array<keyof typeof PRIMITIVE_KINDS>).find(
        (k) => PRIMITIVE_KINDS[k] === code,
      );
      if (!found) throw decodeError(`unknown primitive kind ${code}`, path);
      return { kind: found };
    }
    case `${CTY_PKG}.typeList`:
      return { kind: 'list', element: nested(fields.get('ElementTypeT'), '.list') };
    case `${CTY_PKG}.typeMap`:
      return { kind: 'map', element: nested(fields.get('ElementTypeT'), '.map') };
    case `${CTY_PKG}.typeSet`:
      return { kind: 'set', element: nested(fields.get('ElementTypeT'), '.set') };
    case `${CTY_PKG}.typeTuple`: {
      const elems = fields.get('ElemTypes');
      const list = elems === undefined ? [] : expectGobKind(elems, 'slice', 'ElemTypes').elements;
      return { kind: 'tuple', elements: list.map((e, i) => nested(e, `[${i}]`)) };
    }
    case `${CTY_PKG}.typeObject`: {
      const attrs = fields.get('AttrTypes');
      const entries = attrs === undefined ? [] : expectGobKind(attrs, 'map', 'AttrTypes').entries;
      const attributes = recordOf(
        entries.map(([k, v]) => {
          const name = expectGobKind(k, 'string', 'attribute name').value;
          return [name, nested(v, `.${name}`)] as const;
        }),
      );
      const opt = fields.get('AttrOptional');
      const optional = opt === undefined ? [] : expectGobKind(opt, 'map', 'AttrOptional').entries;
      const names = optional.map(([k]) => expectGobKind(k, 'string', 'optional attribute name').value);
      for (const n of names)
        if (!Object.hasOwn(attributes, n)) throw decodeError(`optional ${n} is not an attribute`, path);
      return names.length > 0
        ? { kind: 'object', attributes, optional: names }
        : { kind: 'object', attributes };
    }
    default:
      throw decodeError(`unknown cty type implementation ${JSON.stringify(impl.name)}`, path);
  }
}
