import type { TSchema } from '@sinclair/typebox';
import { SdkError } from '../errors/index.js';
import type { CtyType } from '../rpc/cty/type.js';
import type { HclSpec, HclSpecNode } from '../rpc/hclspec/index.js';

type Node = TSchema & {
  type?: string | string[];
  properties?: Record<string, Node>;
  items?: Node;
  anyOf?: Node[];
  const?: unknown;
  enum?: unknown[];
  patternProperties?: Record<string, Node>;
  additionalProperties?: boolean | Node;
};

/**
 * Derives Packer's HCL2 ConfigSpec from a component's TypeBox schema, with the rules the Go
 * SDK's generated specs follow: scalars and lists/maps of scalars are attributes, a nested
 * object is a block, a list of objects is a block list. Like generated Go specs, nothing is
 * marked required: Prepare validates, so every problem is reported in one place.
 */
export function schemaToHclSpec(schema: TSchema): HclSpec {
  const root = schema as Node;
  if (!root.properties) throw unsupported('', 'the config schema must be an object with properties');
  const spec: Record<string, HclSpecNode> = {};
  for (const [name, child] of Object.entries(root.properties)) spec[name] = toNode(name, child, name);
  return spec;
}

function toNode(name: string, node: Node, path: string): HclSpecNode {
  if (node.properties)
    return { kind: 'block', typeName: name, nested: nestedSpec(node, path), required: false };
  if (isArray(node) && node.items?.properties) {
    return {
      kind: 'blockList',
      typeName: name,
      nested: nestedSpec(node.items, `${path}[]`),
      minItems: 0,
      maxItems: 0,
    };
  }
  return { kind: 'attr', name, type: schemaToCtyType(node, path), required: false };
}

function nestedSpec(node: Node, path: string): HclSpec {
  const spec: Record<string, HclSpecNode> = {};
  for (const [name, child] of Object.entries(node.properties ?? {}))
    spec[name] = toNode(name, child, `${path}.${name}`);
  return spec;
}

/** The cty type of a schema node: what HCL decodes an attribute (or a data source output) as. */
export function schemaToCtyType(schema: TSchema, path = ''): CtyType {
  const node = schema as Node;
  if (node.anyOf) {
    if (node.anyOf.every((b) => typeof b.const === 'string')) return { kind: 'string' };
    if (node.anyOf.every((b) => typeof b.const === 'number')) return { kind: 'number' };
    throw unsupported(path, 'unions other than string or number literals have no HCL2 type');
  }
  if (node.const !== undefined || node.enum) {
    const sample = node.const ?? node.enum?.[0];
    return { kind: typeof sample === 'number' ? 'number' : typeof sample === 'boolean' ? 'bool' : 'string' };
  }
  switch (node.type) {
    case 'string':
      return { kind: 'string' };
    case 'number':
    case 'integer':
      return { kind: 'number' };
    case 'boolean':
      return { kind: 'bool' };
    case 'array':
      if (!node.items) throw unsupported(path, 'a list needs an item type');
      return { kind: 'list', element: schemaToCtyType(node.items, `${path}[]`) };
    case 'object': {
      if (node.properties) {
        const attributes: Record<string, CtyType> = {};
        for (const [name, child] of Object.entries(node.properties))
          attributes[name] = schemaToCtyType(child, `${path}.${name}`);
        return { kind: 'object', attributes };
      }
      const element = node.patternProperties
        ? Object.values(node.patternProperties)[0]
        : node.additionalProperties;
      if (element && typeof element === 'object')
        return { kind: 'map', element: schemaToCtyType(element, `${path}{}`) };
      throw unsupported(path, 'a map needs a value type (use Type.Record(Type.String(), …))');
    }
    default:
      throw unsupported(
        path,
        'untyped values (Type.Any/Unknown) cannot be sent to Packer: cty "dynamic" has no gob encoding',
      );
  }
}

function isArray(node: Node): boolean {
  return node.type === 'array';
}

function unsupported(path: string, why: string): SdkError {
  return new SdkError('PKR_ERR_HCLSPEC_INVALID', `config schema${path ? ` field ${path}` : ''}: ${why}`, {
    details: { path },
  });
}
