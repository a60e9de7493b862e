import { SdkError } from '../../errors/index.js';
import type { JsonNode } from './json-text.js';
import { goJsonString, parseJson } from './json-text.js';
import { formatFloat } from './number.js';
import type { CtyType } from './type.js';
import { MAX_CTY_DEPTH, attributeNames, compareGoStrings, recordOf } from './type.js';
import { ctyTypeFromJsonNode, formatCtyType } from './type-json.js';
import type { CtyTypedValue, CtyValue } from './value.js';
import { ctyNumber, orderedSetElements } from './value.js';

/**
 * The text Packer 1.6.6 puts where an HCL2 expression is not known yet (for example `build.ID`
 * during the first provisioner Prepare): cty JSON cannot carry unknown values, so 1.6.6 renders
 * them into strings, e.g. `"echo hcl-<unknown>"` (protocol §5.2). Modern core substitutes
 * type-correct placeholders instead.
 */
export const PACKER_UNKNOWN_TEXT = '<unknown>';

function jsonValueError(message: string, path: string): SdkError {
  return new SdkError('PKR_ERR_CTY_JSON', `${message} (at ${path || '.'})`, { details: { path } });
}

/**
 * Reads a JSON value against a type, with go-cty's json.Unmarshal leniency: strings accept
 * numbers and booleans, numbers and bools accept their string forms, missing object attributes
 * are null, and a value under `dynamic` is a `{"value", "type"}` wrapper.
 */
export function ctyValueFromJsonNode(node: JsonNode, type: CtyType, path = '', depth = 0): CtyValue {
  if (depth > MAX_CTY_DEPTH) throw jsonValueError(`value nested deeper than ${MAX_CTY_DEPTH}`, path);
  if (node.t === 'null') return { kind: 'null' };
  const mismatch = (what: string): SdkError =>
    jsonValueError(`${what} is required, found JSON ${node.t}`, path);
  switch (type.kind) {
    case 'dynamic': {
      const inner = readDynamic(node, path, depth);
      return { kind: 'dynamic', type: inner.type, value: inner.value };
    }
    case 'string':
      if (node.t === 'string') return { kind: 'string', value: node.v };
      if (node.t === 'number') return { kind: 'string', value: node.text };
      if (node.t === 'bool') return { kind: 'string', value: node.v ? 'true' : 'false' };
      throw mismatch('string');
    case 'number':
      if (node.t === 'number' || node.t === 'string') {
        try {
          return ctyNumber(node.t === 'number' ? node.text : node.v);
        } catch (cause) {
          throw new SdkError('PKR_ERR_CTY_JSON', `invalid number (at ${path || '.'})`, {
            cause,
            details: { path },
          });
        }
      }
      throw mismatch('number');
    case 'bool':
      if (node.t === 'bool') return { kind: 'bool', value: node.v };
      if (node.t === 'string' && (node.v === 'true' || node.v === 'false'))
        return { kind: 'bool', value: node.v === 'true' };
      throw mismatch('bool');
    case 'list':
    case 'set': {
      if (node.t !== 'array') throw mismatch(type.kind);
      const elements = node.items.map((n, i) =>
        ctyValueFromJsonNode(n, type.element, `${path}[${i}]`, depth + 1),
      );
      if (type.kind === 'list') return { kind: 'list', elements };
      // A set holds each value once (cty.SetVal); equal JSON renderings are equal values.
      const seen = new Map<string, CtyValue>();
      for (const e of elements) seen.set(formatValueJson(e, type.element, path, depth + 1), e);
      return { kind: 'set', elements: [...seen.values()] };
    }
    case 'tuple': {
      if (node.t !== 'array') throw mismatch('tuple');
      if (node.items.length !== type.elements.length) {
        throw jsonValueError(
          `tuple of ${type.elements.length} elements required, found ${node.items.length}`,
          path,
        );
      }
      const elements = node.items.map((n, i) =>
        ctyValueFromJsonNode(n, type.elements[i]!, `${path}[${i}]`, depth + 1),
      );
      return { kind: 'tuple', elements };
    }
    case 'map': {
      if (node.t !== 'object') throw mismatch('map');
      const entries = node.entries.map(
        ([k, v]) =>
          [k, ctyValueFromJsonNode(v, type.element, `${path}[${JSON.stringify(k)}]`, depth + 1)] as const,
      );
      return { kind: 'map', attributes: recordOf(entries) };
    }
    case 'object': {
      if (node.t !== 'object') throw mismatch('object');
      const values = new Map<string, CtyValue>();
      for (const [k, v] of node.entries) {
        if (!Object.hasOwn(type.attributes, k))
          throw jsonValueError(`unsupported attribute ${JSON.stringify(k)}`, path);
        values.set(k, ctyValueFromJsonNode(v, type.attributes[k]!, `${path}.${k}`, depth + 1));
      }
      const names = attributeNames(type);
      return {
        kind: 'object',
        attributes: recordOf(names.map((n) => [n, values.get(n) ?? { kind: 'null' }] as const)),
      };
    }
  }
}

function readDynamic(node: JsonNode, path: string, depth: number): CtyTypedValue {
  if (node.t !== 'object') throw jsonValueError('a dynamic value must be a {"value", "type"} object', path);
  let typeNode: JsonNode | undefined;
  let valueNode: JsonNode | undefined;
  for (const [k, v] of node.entries) {
    if (k === 'type') typeNode = v;
    else if (k === 'value') valueNode = v;
    else throw jsonValueError(`invalid key ${JSON.stringify(k)} in a dynamic value`, path);
  }
  if (typeNode === undefined) throw jsonValueError('missing "type" in a dynamic value', path);
  if (valueNode === undefined) throw jsonValueError('missing "value" in a dynamic value', path);
  const type = ctyTypeFromJsonNode(typeNode, `${path}.type`, depth + 1);
  return { type, value: ctyValueFromJsonNode(valueNode, type, path, depth + 1) };
}

/**
 * Parses the cty JSON document Packer sends in HCL2 Prepare/Configure (a msgpack bin holding
 * `{"value": …, "type": …}`, go-cty's json.Marshal with DynamicPseudoType).
 * @example parseCtyJson('{"value":{"a":"x"},"type":["object",{"a":"string"}]}')
 */
export function parseCtyJson(document: string | Uint8Array): CtyTypedValue {
  return readDynamic(parseJson(document), '', 0);
}

function formatValueJson(value: CtyValue, type: CtyType, path: string, depth: number): string {
  if (depth > MAX_CTY_DEPTH) throw jsonValueError(`value nested deeper than ${MAX_CTY_DEPTH}`, path);
  if (type.kind === 'dynamic') {
    if (value.kind === 'null') return 'null';
    if (value.kind !== 'dynamic') throw unencodable('a value under a dynamic type must carry its type', path);
    return `{"value":${formatValueJson(value.value, value.type, path, depth + 1)},"type":${formatCtyType(value.type)}}`;
  }
  if (value.kind === 'dynamic') return formatValueJson(value.value, type, path, depth + 1);
  if (value.kind === 'null') return 'null';
  if (value.kind === 'unknown') throw unencodable('cty JSON cannot carry unknown values', path);
  switch (value.kind) {
    case 'string':
      return goJsonString(value.value);
    case 'bool':
      return value.value ? 'true' : 'false';
    case 'number':
      if (value.decimal !== undefined) return value.decimal;
      if (!Number.isFinite(value.value)) throw unencodable('cty JSON cannot carry an infinite number', path);
      return formatFloat(value.value);
    case 'list':
    case 'set':
    case 'tuple': {
      const elements = value.kind === 'set' ? orderedSetElements(value.elements) : value.elements;
      const elementType = (i: number): CtyType =>
        type.kind === 'tuple' ? type.elements[i]! : (type as { element: CtyType }).element;
      return `[${elements.map((e, i) => formatValueJson(e, elementType(i), `${path}[${i}]`, depth + 1)).join(',')}]`;
    }
    case 'map':
    case 'object': {
      const attrs = value.attributes;
      const names = Object.keys(attrs).sort(compareGoStrings);
      const attrType = (n: string): CtyType =>
        type.kind === 'object' ? type.attributes[n]! : (type as { element: CtyType }).element;
      return `{${names.map((n) => `${goJsonString(n)}:${formatValueJson(attrs[n]!, attrType(n), `${path}.${n}`, depth + 1)}`).join(',')}}`;
    }
  }
}

function unencodable(message: string, path: string): SdkError {
  return new SdkError('PKR_ERR_CTY_UNENCODABLE', `${message} (at ${path || '.'})`, { details: { path } });
}

/**
 * Writes the cty JSON document for a value of `type`, byte for byte as go-cty's
 * json.Marshal(value, DynamicPseudoType) does (what Packer core sends in Prepare). The value
 * must conform to the type (see checkCtyValue).
 */
export function formatCtyJson(value: CtyValue, type: CtyType): string {
  const inner = value.kind === 'dynamic' ? value : { kind: 'dynamic' as const, type, value };
  return formatValueJson(inner, { kind: 'dynamic' }, '', 0);
}

/** True when a string anywhere in the value holds Packer 1.6.6's `<unknown>` placeholder. */
export function mentionsUnknown(value: CtyValue): boolean {
  switch (value.kind) {
    case 'string':
      return value.value.includes(PACKER_UNKNOWN_TEXT);
    case 'list':
    case 'set':
    case 'tuple':
      return value.elements.some(mentionsUnknown);
    case 'map':
    case 'object':
      return Object.values(value.attributes).some(mentionsUnknown);
    case 'dynamic':
      return mentionsUnknown(value.value);
    default:
      return value.kind === 'unknown';
  }
}
