/**
 * Loads the shared gob and protobuf golden vectors and turns each manifest entry's description
 * into the TS model it stands for, so a vector added to a manifest is tested without a code
 * change. Manifest descriptions use Go syntax for cty (`cty.List(cty.String)`,
 * `cty.ObjectVal({id="ami-123"})`) and JSON for hcldec specs.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { CtyType, CtyValue } from '../../../rpc/cty/index.js';
import { cty, ctyNumber, ctyVal, parseCtyType } from '../../../rpc/cty/index.js';
import type { HclSpec, HclSpecNode } from '../../../rpc/hclspec/index.js';
import { FIXTURES } from '../../support/traces.js';

export const GOB_DIR = new URL('configspec-gob/', FIXTURES);
export const PROTOBUF_DIR = new URL('configspec-protobuf/', FIXTURES);

export type Flavor = 'packer166' | 'sdkfork';
export const FLAVORS: readonly Flavor[] = ['packer166', 'sdkfork'];

export interface ManifestVector {
  readonly name: string;
  readonly file: string;
  readonly kind: string;
  readonly spec: unknown;
  readonly deterministic: boolean;
  readonly alternate_files?: readonly string[];
}

export function hexFile(dir: URL, file: string): Buffer {
  return Buffer.from(readFileSync(new URL(file, dir), 'utf8').trim(), 'hex');
}

export function manifest(flavor: Flavor): ManifestVector[] {
  const parsed = JSON.parse(readFileSync(new URL(`${flavor}.manifest.json`, GOB_DIR), 'utf8')) as {
    vectors: ManifestVector[];
  };
  return parsed.vectors;
}

export function vectorsOfKind(flavor: Flavor, kind: string): ManifestVector[] {
  return manifest(flavor).filter((v) => v.kind === kind);
}

/** Every file of a vector: the main one and its alternates. */
export function vectorFiles(v: ManifestVector): string[] {
  return [v.file, ...(v.alternate_files ?? [])];
}

/** The real captures next to the vectors (named `real-*.hex`). */
export function realCaptures(): string[] {
  return readdirSync(GOB_DIR).filter((f) => f.startsWith('real-') && f.endsWith('.hex'));
}

// --- a small reader for the Go-syntax cty descriptions ------------------------------------

class GoExpr {
  pos = 0;
  constructor(readonly text: string) {}
  ws(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }
  eat(token: string): boolean {
    this.ws();
    if (this.text.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }
  expect(token: string): void {
    if (!this.eat(token))
      throw new Error(`manifest expression: expected ${token} at ${this.pos} in ${this.text}`);
  }
  ident(): string {
    this.ws();
    const m = /^[A-Za-z_][\w.]*/.exec(this.text.slice(this.pos));
    if (!m) throw new Error(`manifest expression: expected a name at ${this.pos} in ${this.text}`);
    this.pos += m[0].length;
    return m[0];
  }
  literal(): string {
    this.ws();
    const m = /^"(?:[^"\\]|\\.)*"|^-?\d+(?:\.\d+)?/.exec(this.text.slice(this.pos));
    if (!m) throw new Error(`manifest expression: expected a literal at ${this.pos} in ${this.text}`);
    this.pos += m[0].length;
    return m[0];
  }
  list<T>(open: string, close: string, item: () => T): T[] {
    this.expect(open);
    const out: T[] = [];
    if (this.eat(close)) return out;
    do out.push(item());
    while (this.eat(','));
    this.expect(close);
    return out;
  }
  done(): void {
    this.ws();
    if (this.pos !== this.text.length) throw new Error(`manifest expression: trailing text in ${this.text}`);
  }
}

function readType(e: GoExpr): CtyType {
  const name = e.ident();
  switch (name) {
    case 'cty.String':
      return cty.string;
    case 'cty.Number':
      return cty.number;
    case 'cty.Bool':
      return cty.bool;
    case 'cty.DynamicPseudoType':
      return cty.dynamic;
    case 'cty.List':
    case 'cty.Set':
    case 'cty.Map': {
      e.expect('(');
      const element = readType(e);
      e.expect(')');
      return name === 'cty.List'
        ? cty.list(element)
        : name === 'cty.Set'
          ? cty.set(element)
          : cty.map(element);
    }
    case 'cty.Object': {
      e.expect('(');
      const attrs = e.list('{', '}', () => {
        const key = e.ident();
        e.expect('=');
        return [key, readType(e)] as const;
      });
      e.expect(')');
      return cty.object(Object.fromEntries(attrs));
    }
    case 'cty.Tuple': {
      e.expect('(');
      const elements = e.list('[', ']', () => readType(e));
      e.expect(')');
      return cty.tuple(elements);
    }
    default:
      throw new Error(`manifest expression: unsupported type ${name}`);
  }
}

/** `cty.List(cty.String)` → the CtyType. */
export function goCtyType(text: string): CtyType {
  const e = new GoExpr(text);
  const t = readType(e);
  e.done();
  return t;
}

interface Typed {
  type: CtyType;
  value: CtyValue;
}

function readValue(e: GoExpr): Typed {
  e.ws();
  if (/^["\d-]/.test(e.text.slice(e.pos))) {
    const lit = e.literal();
    return lit.startsWith('"')
      ? { type: cty.string, value: ctyVal.string(JSON.parse(lit) as string) }
      : { type: cty.number, value: ctyNumber(lit) };
  }
  const name = e.ident();
  switch (name) {
    case 'cty.True':
    case 'cty.False':
      return { type: cty.bool, value: ctyVal.bool(name === 'cty.True') };
    case 'cty.StringVal':
    case 'cty.NumberIntVal':
    case 'cty.NumberFloatVal': {
      e.expect('(');
      const inner = readValue(e);
      e.expect(')');
      return inner;
    }
    case 'cty.NullVal': {
      e.expect('(');
      const type = readType(e);
      e.expect(')');
      return { type, value: ctyVal.null };
    }
    case 'cty.ListVal':
    case 'cty.SetVal':
    case 'cty.TupleVal': {
      e.expect('(');
      const items = e.list('[', ']', () => readValue(e));
      e.expect(')');
      if (name === 'cty.TupleVal') {
        return { type: cty.tuple(items.map((i) => i.type)), value: ctyVal.tuple(items.map((i) => i.value)) };
      }
      const element = items[0]?.type ?? cty.dynamic;
      const values = items.map((i) => i.value);
      return name === 'cty.ListVal'
        ? { type: cty.list(element), value: ctyVal.list(values) }
        : { type: cty.set(element), value: ctyVal.set(values) };
    }
    case 'cty.ObjectVal':
    case 'cty.MapVal': {
      e.expect('(');
      const attrs = e.list('{', '}', () => {
        const key = e.ident();
        e.expect('=');
        return [key, readValue(e)] as const;
      });
      e.expect(')');
      const values = Object.fromEntries(attrs.map(([k, t]) => [k, t.value]));
      if (name === 'cty.MapVal')
        return { type: cty.map(attrs[0]?.[1].type ?? cty.dynamic), value: ctyVal.map(values) };
      return {
        type: cty.object(Object.fromEntries(attrs.map(([k, t]) => [k, t.type]))),
        value: ctyVal.object(values),
      };
    }
    default:
      throw new Error(`manifest expression: unsupported value ${name}`);
  }
}

/** `cty.ObjectVal({id="ami-123"})` → its type and value. */
export function goCtyValue(text: string): Typed {
  const e = new GoExpr(text);
  const v = readValue(e);
  e.done();
  return v;
}

// --- hcldec specs as the manifests write them ---------------------------------------------

type JsonObject = Record<string, unknown>;

function node(json: JsonObject): HclSpecNode {
  const [kind, body] = Object.entries(json)[0] as [string, JsonObject];
  const type = (v: unknown): CtyType => parseCtyType(JSON.stringify(v));
  switch (kind) {
    case 'AttrSpec':
      return {
        kind: 'attr',
        name: body.Name as string,
        type: type(body.Type),
        required: body.Required === true,
      };
    case 'BlockSpec':
      return {
        kind: 'block',
        typeName: body.TypeName as string,
        nested: manifestSpec(body.Nested as JsonObject),
        required: body.Required === true,
      };
    case 'BlockListSpec':
      return {
        kind: 'blockList',
        typeName: body.TypeName as string,
        nested: manifestSpec(body.Nested as JsonObject),
        minItems: (body.MinItems as number | undefined) ?? 0,
        maxItems: (body.MaxItems as number | undefined) ?? 0,
      };
    case 'BlockAttrsSpec':
      return {
        kind: 'blockAttrs',
        typeName: body.TypeName as string,
        elementType: type(body.ElementType),
        required: body.Required === true,
      };
    case 'BlockObjectSpec':
      return {
        kind: 'blockObject',
        typeName: body.TypeName as string,
        labelNames: (body.LabelNames as string[] | undefined) ?? [],
        nested: manifestSpec(body.Nested as JsonObject),
      };
    default:
      throw new Error(`manifest spec: unsupported ${kind}`);
  }
}

/** The manifest's JSON rendering of an hcldec.ObjectSpec → HclSpec. */
export function manifestSpec(json: JsonObject): HclSpec {
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, node(v as JsonObject)]));
}

/** The same spec with its entries (recursively) in the order of `order`. */
export function reorderSpec(spec: HclSpec, order: HclSpec): HclSpec {
  return Object.fromEntries(
    Object.keys(order).map((k) => {
      const n = spec[k]!;
      const o = order[k]!;
      if ((n.kind === 'block' || n.kind === 'blockList' || n.kind === 'blockObject') && 'nested' in o) {
        return [k, { ...n, nested: reorderSpec(n.nested, o.nested) }];
      }
      return [k, n];
    }),
  );
}
