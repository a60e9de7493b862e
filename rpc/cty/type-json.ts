import type { JsonNode } from './json-text.js';
import { goJsonString, parseJson } from './json-text.js';
import type { CtyType } from './type.js';
import { MAX_CTY_DEPTH, attributeNames, compareGoStrings, ctyTypeError, recordOf } from './type.js';

/**
 * Reads cty's JSON type form: `"string"`, `"number"`, `"bool"`, `"dynamic"`, `["list", T]`,
 * `["set", T]`, `["map", T]`, `["object", {name: T…}]` (optionally a third element listing
 * optional attributes) and `["tuple", [T…]]`.
 */
export function ctyTypeFromJsonNode(node: JsonNode, path = '', depth = 0): CtyType {
  if (depth > MAX_CTY_DEPTH) throw ctyTypeError(`type nested deeper than ${MAX_CTY_DEPTH}`, path);
  if (node.t === 'string') {
    switch (node.v) {
      case 'string':
      case 'number':
      case 'bool':
      case 'dynamic':
        return { kind: node.v };
      default:
        throw ctyTypeError(`unknown primitive type ${JSON.stringify(node.v)}`, path);
    }
  }
  if (node.t !== 'array' || node.items.length < 2 || node.items[0]!.t !== 'string') {
    throw ctyTypeError('a type is a primitive name or a [kind, …] array', path);
  }
  const kind = (node.items[0] as { v: string }).v;
  const arg = node.items[1]!;
  const fixedLength = (n: number): void => {
    if (node.items.length !== n) throw ctyTypeError(`${kind} type takes ${n - 1} argument(s)`, path);
  };
  switch (kind) {
    case 'list':
    case 'set':
    case 'map':
      fixedLength(2);
      return { kind, element: ctyTypeFromJsonNode(arg, `${path}.${kind}`, depth + 1) };
    case 'tuple':
      fixedLength(2);
      if (arg.t !== 'array') throw ctyTypeError('a tuple type needs an array of element types', path);
      return { kind, elements: arg.items.map((t, i) => ctyTypeFromJsonNode(t, `${path}[${i}]`, depth + 1)) };
    case 'object': {
      if (node.items.length !== 2 && node.items.length !== 3)
        throw ctyTypeError('object type takes 1 or 2 arguments', path);
      if (arg.t !== 'object') throw ctyTypeError('an object type needs an object of attribute types', path);
      const attributes = recordOf(
        arg.entries.map(([name, t]) => [name, ctyTypeFromJsonNode(t, `${path}.${name}`, depth + 1)] as const),
      );
      const optNode = node.items[2];
      if (optNode === undefined) return { kind, attributes };
      if (optNode.t !== 'array') throw ctyTypeError('optional attributes must be an array of names', path);
      const optional = optNode.items.map((n) => {
        if (n.t !== 'string' || !Object.hasOwn(attributes, n.v)) {
          throw ctyTypeError('an optional attribute must name an attribute', path);
        }
        return n.v;
      });
      return optional.length > 0 ? { kind, attributes, optional } : { kind, attributes };
    }
    default:
      throw ctyTypeError(`unknown type kind ${JSON.stringify(kind)}`, path);
  }
}

/** Parses a cty JSON type from text or bytes. */
export function parseCtyType(json: string | Uint8Array): CtyType {
  return ctyTypeFromJsonNode(parseJson(json));
}

/**
 * The JSON form of a type, byte for byte as go-cty's Type.MarshalJSON writes it: no spaces,
 * object attributes sorted, optional attributes (when any) as a sorted third element.
 */
export function formatCtyType(type: CtyType): string {
  switch (type.kind) {
    case 'string':
    case 'number':
    case 'bool':
    case 'dynamic':
      return `"${type.kind}"`;
    case 'list':
    case 'set':
    case 'map':
      return `["${type.kind}",${formatCtyType(type.element)}]`;
    case 'tuple':
      return `["tuple",[${type.elements.map(formatCtyType).join(',')}]]`;
    case 'object': {
      const names = attributeNames(type).sort(compareGoStrings);
      const attrs = names.map((n) => `${goJsonString(n)}:${formatCtyType(type.attributes[n]!)}`).join(',');
      const optional = [...(type.optional ?? [])].sort(compareGoStrings);
      const tail = optional.length > 0 ? `,[${optional.map(goJsonString).join(',')}]` : '';
      return `["object",{${attrs}}${tail}]`;
    }
  }
}
