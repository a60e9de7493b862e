import { SdkError } from '../../errors/index.js';
import type { CtyGobFlavor, CtyType } from '../cty/index.js';
import { ctyTypeGo, ctyTypeGobEncodable, decodeCtyTypeGob } from '../cty/index.js';
import type { GoInterfaceValue, GoType, GoValue, GobValue, GobValueOf } from '../gob/index.js';
import { GobTypeSpace, decodeGobValue, encodeGob, goBasic, goMap, goSlice, goStruct } from '../gob/index.js';
import type { HclSpec, HclSpecNode } from './spec.js';
import { MAX_SPEC_DEPTH, assertHclSpec } from './spec.js';

/**
 * The gob form of a ConfigSpec (`gob.NewEncoder(buf).Encode(spec)` of an hcldec.ObjectSpec,
 * protocol §5.4a). Spec structs travel as interface values under the names hcl registers
 * (`*hcldec.AttrSpec` …: gob drops the import path of pointer types), a nested ObjectSpec under
 * its full path, and cty types as nested GobEncoder streams.
 */

/** hcldec's import path in module builds of Packer and plugins. */
export const HCLDEC_PACKAGE = 'github.com/hashicorp/hcl/v2/hcldec';
const HCLDEC = HCLDEC_PACKAGE;
const named = (name: string): { name: string; pkgPath: string } => ({ name, pkgPath: HCLDEC });

const objectSpecGo = goMap(goBasic.string, goBasic.interface, named('ObjectSpec'));
const attrSpecGo = goStruct(
  [
    { name: 'Name', type: goBasic.string },
    { name: 'Type', type: ctyTypeGo },
    { name: 'Required', type: goBasic.bool },
  ],
  named('AttrSpec'),
);
const blockSpecGo = goStruct(
  [
    { name: 'TypeName', type: goBasic.string },
    { name: 'Nested', type: goBasic.interface },
    { name: 'Required', type: goBasic.bool },
  ],
  named('BlockSpec'),
);
const blockListSpecGo = goStruct(
  [
    { name: 'TypeName', type: goBasic.string },
    { name: 'Nested', type: goBasic.interface },
    { name: 'MinItems', type: goBasic.int },
    { name: 'MaxItems', type: goBasic.int },
  ],
  named('BlockListSpec'),
);
const blockAttrsSpecGo = goStruct(
  [
    { name: 'TypeName', type: goBasic.string },
    { name: 'ElementType', type: ctyTypeGo },
    { name: 'Required', type: goBasic.bool },
  ],
  named('BlockAttrsSpec'),
);
const blockObjectSpecGo = goStruct(
  [
    { name: 'TypeName', type: goBasic.string },
    { name: 'LabelNames', type: goSlice(goBasic.string) },
    { name: 'Nested', type: goBasic.interface },
  ],
  named('BlockObjectSpec'),
);

const NAMES = {
  attr: '*hcldec.AttrSpec',
  block: '*hcldec.BlockSpec',
  blockList: '*hcldec.BlockListSpec',
  blockAttrs: '*hcldec.BlockAttrsSpec',
  blockObject: '*hcldec.BlockObjectSpec',
} as const;

/**
 * A nested ObjectSpec travels under `<package path>.ObjectSpec` (gob.Register uses the package
 * path of non-pointer types). A GOPATH build with vendored hcl, such as Debian's packer 1.6.6,
 * knows it only as `github.com/hashicorp/packer/vendor/github.com/hashicorp/hcl/v2/hcldec…`,
 * which is why the encoder takes the path. go-cty names its own types explicitly, so those
 * never carry a vendor prefix (visible in the real Debian capture).
 */
function objectSpecName(hcldecPackage: string): string {
  return `${hcldecPackage}.ObjectSpec`;
}

export interface SpecGobOptions {
  /** The Go process the bytes come from: pass one to continue its id numbering. */
  readonly space?: GobTypeSpace;
  /** hcldec's package path in the receiving core (default {@link HCLDEC_PACKAGE}). */
  readonly hcldecPackage?: string;
}

interface Context {
  readonly flavor: CtyGobFlavor;
  readonly objectName: string;
}

function objectValue(spec: HclSpec, ctx: Context): GoValue {
  return { entries: Object.entries(spec).map(([k, node]) => [k, nodeValue(node, ctx)] as const) };
}

function nestedValue(spec: HclSpec, ctx: Context): GoInterfaceValue {
  return { concreteName: ctx.objectName, type: objectSpecGo, value: objectValue(spec, ctx) };
}

function nodeValue(node: HclSpecNode, ctx: Context): GoInterfaceValue {
  const flavor = ctx.flavor;
  const iface = (type: GoType, value: GoValue): GoInterfaceValue => ({
    concreteName: NAMES[node.kind],
    type,
    value,
  });
  switch (node.kind) {
    case 'attr':
      return iface(attrSpecGo, {
        Name: node.name,
        Type: ctyTypeGobEncodable(node.type, flavor),
        Required: node.required,
      });
    case 'block':
      return iface(blockSpecGo, {
        TypeName: node.typeName,
        Nested: nestedValue(node.nested, ctx),
        Required: node.required,
      });
    case 'blockList':
      return iface(blockListSpecGo, {
        TypeName: node.typeName,
        Nested: nestedValue(node.nested, ctx),
        MinItems: node.minItems,
        MaxItems: node.maxItems,
      });
    case 'blockAttrs':
      return iface(blockAttrsSpecGo, {
        TypeName: node.typeName,
        ElementType: ctyTypeGobEncodable(node.elementType, flavor),
        Required: node.required,
      });
    case 'blockObject':
      return iface(blockObjectSpecGo, {
        TypeName: node.typeName,
        LabelNames: [...node.labelNames],
        Nested: nestedValue(node.nested, ctx),
      });
  }
}

/**
 * The ConfigSpec bytes a fresh Go plugin process sends in gob mode, byte-equal to Go's when Go
 * happens to walk the map in the same order. Go's map order is random; this writes entries in
 * the spec record's own order (insertion order), which for maps of up to 8 entries is one of
 * the orders Go produces (Go starts at a random slot and wraps around), and for the fixtures'
 * sample spec written as `{name, count, tags, disk}` gives the main vector.
 */
export function encodeSpecGob(spec: HclSpec, flavor: CtyGobFlavor, options: SpecGobOptions = {}): Uint8Array {
  assertHclSpec(spec);
  const ctx: Context = { flavor, objectName: objectSpecName(options.hcldecPackage ?? HCLDEC_PACKAGE) };
  return encodeGob(objectSpecGo, objectValue(spec, ctx), options.space ?? new GobTypeSpace());
}

function decodeError(message: string, path: string, cause?: unknown): SdkError {
  return new SdkError('PKR_ERR_HCLSPEC_DECODE', `${message} (at ${path || '.'})`, {
    details: { path },
    ...(cause === undefined ? {} : { cause }),
  });
}

function expect<K extends GobValue['kind']>(
  value: GobValue | null | undefined,
  kind: K,
  what: string,
  path: string,
): GobValueOf<K> {
  if (!value || value.kind !== kind)
    throw decodeError(`${what}: expected ${kind}, found ${value ? value.kind : 'nothing'}`, path);
  return value as GobValueOf<K>;
}

function str(struct: GobValueOf<'struct'>, field: string, path: string): string {
  const v = struct.fields.get(field);
  return v === undefined ? '' : expect(v, 'string', field, path).value;
}

function bool(struct: GobValueOf<'struct'>, field: string, path: string): boolean {
  const v = struct.fields.get(field);
  return v === undefined ? false : expect(v, 'bool', field, path).value;
}

function int(struct: GobValueOf<'struct'>, field: string, path: string): number {
  const v = struct.fields.get(field);
  if (v === undefined) return 0;
  const n = v.kind === 'uint' ? v.value : expect(v, 'int', field, path).value;
  if (n < 0n || n > BigInt(Number.MAX_SAFE_INTEGER)) throw decodeError(`${field} ${n} is out of range`, path);
  return Number(n);
}

function ctyType(struct: GobValueOf<'struct'>, field: string, path: string): CtyType {
  const v = struct.fields.get(field);
  if (v === undefined) throw decodeError(`${field} is missing (a zero cty.Type)`, path);
  try {
    return decodeCtyTypeGob(expect(v, 'encoded', field, path).bytes);
  } catch (cause) {
    throw decodeError(`${field} is not a cty.Type`, path, cause);
  }
}

function decodeObject(value: GobValue, path: string, depth: number): HclSpec {
  if (depth > MAX_SPEC_DEPTH) throw decodeError(`blocks nested deeper than ${MAX_SPEC_DEPTH}`, path);
  const entries = expect(value, 'map', 'ObjectSpec', path).entries.map(([k, v]) => {
    const key = expect(k, 'string', 'ObjectSpec key', path).value;
    return [key, decodeNode(v, path ? `${path}.${key}` : key, depth)] as const;
  });
  return Object.fromEntries(entries);
}

function decodeNested(struct: GobValueOf<'struct'>, path: string, depth: number): HclSpec {
  const nested = expect(struct.fields.get('Nested'), 'interface', 'Nested', path);
  // Accept any package path: cores built with vendored hcl name the type with a longer one.
  if (
    !(nested.name === 'hcldec.ObjectSpec' || nested.name.endsWith('/hcldec.ObjectSpec')) ||
    nested.value === null
  ) {
    throw decodeError(`Nested must be an ObjectSpec, found ${JSON.stringify(nested.name)}`, path);
  }
  return decodeObject(nested.value, path, depth + 1);
}

function decodeNode(value: GobValue, path: string, depth: number): HclSpecNode {
  const iface = expect(value, 'interface', 'spec', path);
  const struct = expect(iface.value, 'struct', iface.name || 'nil spec', path);
  switch (iface.name) {
    case NAMES.attr:
      return {
        kind: 'attr',
        name: str(struct, 'Name', path),
        type: ctyType(struct, 'Type', path),
        required: bool(struct, 'Required', path),
      };
    case NAMES.block:
      return {
        kind: 'block',
        typeName: str(struct, 'TypeName', path),
        nested: decodeNested(struct, path, depth),
        required: bool(struct, 'Required', path),
      };
    case NAMES.blockList:
      return {
        kind: 'blockList',
        typeName: str(struct, 'TypeName', path),
        nested: decodeNested(struct, path, depth),
        minItems: int(struct, 'MinItems', path),
        maxItems: int(struct, 'MaxItems', path),
      };
    case NAMES.blockAttrs:
      return {
        kind: 'blockAttrs',
        typeName: str(struct, 'TypeName', path),
        elementType: ctyType(struct, 'ElementType', path),
        required: bool(struct, 'Required', path),
      };
    case NAMES.blockObject: {
      const labels = struct.fields.get('LabelNames');
      const labelNames =
        labels === undefined
          ? []
          : expect(labels, 'slice', 'LabelNames', path).elements.map(
              (l) => expect(l, 'string', 'label name', path).value,
            );
      return {
        kind: 'blockObject',
        typeName: str(struct, 'TypeName', path),
        labelNames,
        nested: decodeNested(struct, path, depth),
      };
    }
    default:
      throw decodeError(`unsupported spec type ${JSON.stringify(iface.name)}`, path);
  }
}

/**
 * Reads gob ConfigSpec bytes (either flavor) back into a spec, entries in wire order. Fails
 * with PKR_ERR_GOB_DECODE for bytes that are not gob and PKR_ERR_HCLSPEC_DECODE for gob that
 * is not an hcldec.ObjectSpec of the five supported spec types.
 */
export function decodeSpecGob(bytes: Uint8Array): HclSpec {
  return decodeObject(decodeGobValue(bytes), '', 0);
}
