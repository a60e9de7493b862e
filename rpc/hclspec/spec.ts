import { SdkError } from '../../errors/index.js';
import type { CtyType } from '../cty/index.js';
import { assertCtyType, ctyTypeEquals } from '../cty/index.js';

/**
 * An HCL2 ConfigSpec: Go's `hcldec.ObjectSpec`, a map from result attribute names to specs.
 * Entry order is the order encoders write (see encodeSpecGob and encodeSpecProtobuf).
 */
export type HclSpec = Readonly<Record<string, HclSpecNode>>;

/**
 * One hcldec spec. `attr` is an attribute `name = value`; `block` a single nested block;
 * `blockList` a repeated block (0 means no limit); `blockAttrs` a block whose attributes are
 * all of one type; `blockObject` labelled blocks (`typeName "label" { … }`) as an object.
 */
export type HclSpecNode =
  | { readonly kind: 'attr'; readonly name: string; readonly type: CtyType; readonly required: boolean }
  | {
      readonly kind: 'block';
      readonly typeName: string;
      readonly nested: HclSpec;
      readonly required: boolean;
    }
  | {
      readonly kind: 'blockList';
      readonly typeName: string;
      readonly nested: HclSpec;
      readonly minItems: number;
      readonly maxItems: number;
    }
  | {
      readonly kind: 'blockAttrs';
      readonly typeName: string;
      readonly elementType: CtyType;
      readonly required: boolean;
    }
  | {
      readonly kind: 'blockObject';
      readonly typeName: string;
      readonly labelNames: readonly string[];
      readonly nested: HclSpec;
    };

/** Deepest block nesting accepted (real Packer specs nest two or three levels). */
export const MAX_SPEC_DEPTH = 32;

export function specError(message: string, path: string): SdkError {
  return new SdkError('PKR_ERR_HCLSPEC_INVALID', `${message} (at ${path || '.'})`, { details: { path } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectString(value: unknown, field: string, path: string): void {
  if (typeof value !== 'string') throw specError(`${field} must be a string`, path);
}

function expectCount(value: unknown, field: string, path: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw specError(`${field} must be a non-negative integer`, path);
  }
}

/** Checks a spec that came from outside (plugin author or wire); throws PKR_ERR_HCLSPEC_INVALID. */
export function assertHclSpec(spec: unknown, path = '', depth = 0): asserts spec is HclSpec {
  if (depth > MAX_SPEC_DEPTH) throw specError(`blocks nested deeper than ${MAX_SPEC_DEPTH}`, path);
  if (!isRecord(spec)) throw specError('a spec must be a record of nodes', path);
  for (const [key, node] of Object.entries(spec)) {
    const at = path ? `${path}.${key}` : key;
    if (!isRecord(node)) throw specError('a spec node must be an object', at);
    switch (node.kind) {
      case 'attr':
        expectString(node.name, 'name', at);
        if (typeof node.required !== 'boolean') throw specError('required must be a boolean', at);
        try {
          assertCtyType(node.type);
        } catch (cause) {
          throw new SdkError('PKR_ERR_HCLSPEC_INVALID', `invalid attribute type (at ${at})`, {
            cause,
            details: { path: at },
          });
        }
        break;
      case 'block':
        expectString(node.typeName, 'typeName', at);
        if (typeof node.required !== 'boolean') throw specError('required must be a boolean', at);
        assertHclSpec(node.nested, at, depth + 1);
        break;
      case 'blockList':
        expectString(node.typeName, 'typeName', at);
        expectCount(node.minItems, 'minItems', at);
        expectCount(node.maxItems, 'maxItems', at);
        assertHclSpec(node.nested, at, depth + 1);
        break;
      case 'blockAttrs':
        expectString(node.typeName, 'typeName', at);
        if (typeof node.required !== 'boolean') throw specError('required must be a boolean', at);
        try {
          assertCtyType(node.elementType);
        } catch (cause) {
          throw new SdkError('PKR_ERR_HCLSPEC_INVALID', `invalid element type (at ${at})`, {
            cause,
            details: { path: at },
          });
        }
        break;
      case 'blockObject':
        expectString(node.typeName, 'typeName', at);
        if (!Array.isArray(node.labelNames) || !node.labelNames.every((l) => typeof l === 'string')) {
          throw specError('labelNames must be an array of strings', at);
        }
        assertHclSpec(node.nested, at, depth + 1);
        break;
      default:
        throw specError(`unknown spec kind ${JSON.stringify(node.kind)}`, at);
    }
  }
}

/** Structural equality; entry order does not matter (Go maps have none). */
export function hclSpecEquals(a: HclSpec, b: HclSpec): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && hclSpecNodeEquals(a[k]!, b[k]!));
}

function hclSpecNodeEquals(a: HclSpecNode, b: HclSpecNode): boolean {
  switch (a.kind) {
    case 'attr':
      return (
        b.kind === 'attr' && a.name === b.name && a.required === b.required && ctyTypeEquals(a.type, b.type)
      );
    case 'block':
      return (
        b.kind === 'block' &&
        a.typeName === b.typeName &&
        a.required === b.required &&
        hclSpecEquals(a.nested, b.nested)
      );
    case 'blockList':
      return (
        b.kind === 'blockList' &&
        a.typeName === b.typeName &&
        a.minItems === b.minItems &&
        a.maxItems === b.maxItems &&
        hclSpecEquals(a.nested, b.nested)
      );
    case 'blockAttrs':
      return (
        b.kind === 'blockAttrs' &&
        a.typeName === b.typeName &&
        a.required === b.required &&
        ctyTypeEquals(a.elementType, b.elementType)
      );
    case 'blockObject':
      return (
        b.kind === 'blockObject' &&
        a.typeName === b.typeName &&
        a.labelNames.length === b.labelNames.length &&
        a.labelNames.every((l, i) => l === b.labelNames[i]) &&
        hclSpecEquals(a.nested, b.nested)
      );
  }
}
