import { SdkError } from '../../errors/index.js';
import type { GoInterfaceValue, GoType, GoValue, GobValue } from '../gob/index.js';
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
import { bigFloatGobBytes, numberFromBigFloatGob } from './big-float.js';
import type { CtyGobFlavor } from './gob-type.js';
import { CTY_PKG, ctyTypeGo, ctyTypeGobEncodable, decodeCtyTypeGob } from './gob-type.js';
import type { CtyType } from './type.js';
import { MAX_CTY_DEPTH, attributeType, compareGoStrings, ctyTypeHasDynamic, recordOf } from './type.js';
import type { CtyTypedValue, CtyValue } from './value.js';
import { checkCtyValue, orderedSetElements } from './value.js';

/**
 * `(cty.Value).GobEncode()`: a gob stream of `gobValue{Version int; Ty cty.Type; V interface{}}`
 * where V is go-cty's internal representation, under these registered names: `string`,
 * `bool`, `math/big.Float` (a *big.Float, so a GobEncoder reached through a pointer),
 * `[]interface {}` (lists, tuples), `map[string]interface {}` (maps, objects) and
 * `github.com/zclconf/go-cty/cty/set.Set` (sets; itself a GobEncoder of
 * `gobSet{Version int; Rules Rules; Values []interface{}}` with rules `cty.setRules{Type}`).
 * Null is a nil V. Unknown values have no registered representation, so Go cannot encode them.
 */

const SET_PKG = `${CTY_PKG}/set`;
const gobValueGo = goStruct(
  [
    { name: 'Version', type: goBasic.int },
    { name: 'Ty', type: ctyTypeGo },
    { name: 'V', type: goBasic.interface },
  ],
  { name: 'gobValue', pkgPath: CTY_PKG },
);
const bigFloatGo: GoType = {
  kind: 'gobEncoder',
  named: { name: 'Float', pkgPath: 'math/big' },
  viaPointer: true,
};
const interfaceSliceGo = goSlice(goBasic.interface);
const interfaceMapGo = goMap(goBasic.string, goBasic.interface);
const setGo: GoType = { kind: 'gobEncoder', named: { name: 'Set', pkgPath: SET_PKG } };
const gobSetGo = goStruct(
  [
    { name: 'Version', type: goBasic.int },
    { name: 'Rules', type: goBasic.interface },
    { name: 'Values', type: interfaceSliceGo },
  ],
  { name: 'gobSet', pkgPath: SET_PKG },
);
const setRulesGo = goStruct([{ name: 'Type', type: ctyTypeGo }], { name: 'setRules', pkgPath: CTY_PKG });

function unencodable(message: string, path: string): SdkError {
  return new SdkError('PKR_ERR_CTY_UNENCODABLE', `${message} (at ${path || '.'})`, { details: { path } });
}

/** go-cty's internal representation of a value, as the interface value gob writes for V. */
function internal(
  value: CtyValue,
  type: CtyType,
  flavor: CtyGobFlavor,
  path: string,
): GoInterfaceValue | null {
  if (value.kind === 'dynamic') return internal(value.value, value.type, flavor, path);
  switch (value.kind) {
    case 'null':
      return null;
    case 'unknown':
      throw unencodable('unknown values cannot be gob-encoded (go-cty registers no type for them)', path);
    case 'string':
      return { concreteName: 'string', type: goBasic.string, value: value.value };
    case 'bool':
      return { concreteName: 'bool', type: goBasic.bool, value: value.value };
    case 'number': {
      const bytes = bigFloatGobBytes(value);
      return { concreteName: 'math/big.Float', type: bigFloatGo, value: { gobEncode: () => bytes } };
    }
    case 'list':
    case 'tuple': {
      const elementType = (i: number): CtyType =>
        type.kind === 'tuple' ? type.elements[i]! : (type as { element: CtyType }).element;
      return {
        concreteName: '[]interface {}',
        type: interfaceSliceGo,
        value: value.elements.map((e, i) => internal(e, elementType(i), flavor, `${path}[${i}]`)),
      };
    }
    case 'map':
    case 'object': {
      const attrType = (n: string): CtyType =>
        type.kind === 'object' ? type.attributes[n]! : (type as { element: CtyType }).element;
      const names = Object.keys(value.attributes).sort(compareGoStrings);
      return {
        concreteName: 'map[string]interface {}',
        type: interfaceMapGo,
        value: {
          entries: names.map(
            (n) => [n, internal(value.attributes[n]!, attrType(n), flavor, `${path}.${n}`)] as const,
          ),
        },
      };
    }
    case 'set': {
      const elementType = (type as { element: CtyType }).element;
      const values: GoValue[] = orderedSetElements(value.elements).map((e, i) =>
        internal(e, elementType, flavor, `${path}[${i}]`),
      );
      const rules: GoInterfaceValue = {
        concreteName: `${CTY_PKG}.setRules`,
        type: setRulesGo,
        value: { Type: ctyTypeGobEncodable(elementType, flavor) },
      };
      return {
        concreteName: `${SET_PKG}.Set`,
        type: setGo,
        value: {
          gobEncode: (space) =>
            new GobStreamEncoder(space).encode(gobSetGo, { Rules: rules, Values: values }),
        },
      };
    }
  }
}

/**
 * `(cty.Value).GobEncode()` for a value of `type` (a datasource result in gob mode), equal to
 * the ctyvalue-*.hex vectors. Fails with PKR_ERR_CTY_UNENCODABLE for unknown values and types
 * containing `dynamic`, and with PKR_ERR_CTY_VALUE when the value does not fit the type.
 */
export function encodeCtyValueGob(
  value: CtyValue,
  type: CtyType,
  flavor: CtyGobFlavor,
  space: GobTypeSpace = new GobTypeSpace(),
): Uint8Array {
  if (ctyTypeHasDynamic(type))
    throw unencodable('a type containing dynamic ("any") cannot be gob-encoded', '');
  checkCtyValue(value, type);
  return new GobStreamEncoder(space).encode(gobValueGo, {
    Ty: ctyTypeGobEncodable(type, flavor),
    V: internal(value, type, flavor, ''),
  });
}

function decodeError(message: string, path: string): SdkError {
  return new SdkError('PKR_ERR_GOB_DECODE', `cty.Value gob: ${message} (at ${path || '.'})`, {
    details: { path },
  });
}

function fromInternal(v: GobValue | null, type: CtyType, path: string, depth: number): CtyValue {
  if (depth > MAX_CTY_DEPTH) throw decodeError(`value nested deeper than ${MAX_CTY_DEPTH}`, path);
  if (v === null) return { kind: 'null' };
  const iface = expectGobKind(v, 'interface', path || 'V');
  if (iface.value === null) return { kind: 'null' };
  const inner = iface.value;
  const want = (name: string): void => {
    if (iface.name !== name)
      throw decodeError(`${type.kind} value stored as ${JSON.stringify(iface.name)}`, path);
  };
  switch (type.kind) {
    case 'string':
      want('string');
      return { kind: 'string', value: expectGobKind(inner, 'string', path).value };
    case 'bool':
      want('bool');
      return { kind: 'bool', value: expectGobKind(inner, 'bool', path).value };
    case 'number':
      want('math/big.Float');
      return numberFromBigFloatGob(expectGobKind(inner, 'encoded', path).bytes);
    case 'list':
    case 'tuple': {
      want('[]interface {}');
      const elements = expectGobKind(inner, 'slice', path).elements;
      if (type.kind === 'tuple' && elements.length !== type.elements.length) {
        throw decodeError(`tuple of ${elements.length} elements, type has ${type.elements.length}`, path);
      }
      const elementType = (i: number): CtyType => (type.kind === 'tuple' ? type.elements[i]! : type.element);
      return {
        kind: type.kind,
        elements: elements.map((e, i) => fromInternal(e, elementType(i), `${path}[${i}]`, depth + 1)),
      };
    }
    case 'set': {
      want(`${SET_PKG}.Set`);
      const gobSet = expectGobKind(
        decodeGobValue(expectGobKind(inner, 'encoded', path).bytes),
        'struct',
        `${path} set`,
      );
      const values = gobSet.fields.get('Values');
      const elements =
        values === undefined ? [] : expectGobKind(values, 'slice', `${path} set values`).elements;
      return {
        kind: 'set',
        elements: elements.map((e, i) => fromInternal(e, type.element, `${path}[${i}]`, depth + 1)),
      };
    }
    case 'map':
    case 'object': {
      want('map[string]interface {}');
      const entries = expectGobKind(inner, 'map', path).entries.map(([k, e]) => {
        const name = expectGobKind(k, 'string', `${path} key`).value;
        const t = type.kind === 'object' ? attributeType(type, name) : type.element;
        if (t === undefined) {
          throw decodeError(`unexpected attribute ${JSON.stringify(name)}`, path);
        }
        return [name, fromInternal(e, t, `${path}.${name}`, depth + 1)] as const;
      });
      if (type.kind !== 'object') return { kind: 'map', attributes: recordOf(entries) };
      const got = new Map(entries);
      return {
        kind: 'object',
        attributes: recordOf(
          Object.keys(type.attributes).map((n) => [n, got.get(n) ?? { kind: 'null' }] as const),
        ),
      };
    }
    case 'dynamic':
      throw decodeError('a dynamic type cannot occur in gob', path);
  }
}

/** Reads `(cty.Value).GobEncode()` bytes (either flavor) into a typed value. */
export function decodeCtyValueGob(bytes: Uint8Array): CtyTypedValue {
  const root = expectGobKind(decodeGobValue(bytes), 'struct', 'cty.Value');
  const version = root.fields.get('Version');
  if (version && version.kind === 'int' && version.value !== 0n)
    throw decodeError(`unsupported version ${version.value}`, '');
  const ty = root.fields.get('Ty');
  if (ty === undefined) throw decodeError('no type', '');
  const type = decodeCtyTypeGob(expectGobKind(ty, 'encoded', 'Ty').bytes);
  return { type, value: fromInternal(root.fields.get('V') ?? null, type, '', 0) };
}
