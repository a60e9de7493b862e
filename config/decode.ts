import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { emptyPackerCommon, takePackerCommon, type PackerCommon } from './packer-common.js';
import type { ConfigProblem } from './problem.js';
import { mergeInto, normalizeRawConfig, type RawMap } from './raw-config.js';
import { validateAgainst } from './validate.js';

/** Renders templates inside a merged config; returns the rendered value and any problems. */
export type RenderConfig = (
  value: RawMap,
  context: { common: PackerCommon; schema: TSchema; data: RawMap | undefined },
) => { value: RawMap; problems: ConfigProblem[] };

export interface DecodeOptions {
  /** Interpolation of `{{ … }}` in string fields (fields marked `x-interpolate` are left alone by it). */
  render?: RenderConfig;
}

export interface DecodeResult<T> {
  /** The typed config, defaults applied. Meaningful only when `problems` is empty. */
  readonly config: T;
  readonly common: PackerCommon;
  /** Every problem found, each with its field path. */
  readonly problems: readonly ConfigProblem[];
  /** Non-fatal notes (deprecated fields), shown by Packer as warnings. */
  readonly warnings: readonly string[];
  /** Values of fields marked `x-sensitive`, to mask wherever the plugin prints. */
  readonly secrets: readonly string[];
  /**
   * The generated-data placeholders core appends for provisioners and post-processors
   * (`{ Host: "Build_Host. To set this dynamically…", … }`); they are template data, not config.
   */
  readonly placeholders: RawMap | undefined;
}

/**
 * Decodes what `Prepare`/`Configure` receive: several raw configs (JSON-template maps,
 * HCL2 cty JSON, Packer's common-key maps) merged in order, `packer_*` keys split off,
 * templates rendered, then validated against `schema` with every problem reported at once.
 */
export function decodeConfig<S extends TObject>(
  schema: S,
  raws: readonly unknown[],
  options: DecodeOptions = {},
): DecodeResult<Static<S>> {
  const common = emptyPackerCommon();
  const problems: ConfigProblem[] = [];
  const maps: RawMap[] = [];
  raws.forEach((raw, index) => {
    const { map, problem } = normalizeRawConfig(raw, index);
    if (problem) problems.push(problem);
    if (map) maps.push(map);
  });
  const placeholders = maps.length > 0 && isPlaceholderMap(maps[maps.length - 1]!) ? maps.pop() : undefined;
  let merged: RawMap = {};
  for (const map of maps) merged = mergeInto(merged, takePackerCommon(map, common));
  // Core may echo the component type; like the Go SDK, it is never an unknown field.
  delete merged.type;

  if (options.render) {
    const rendered = options.render(merged, { common, schema, data: placeholders });
    merged = rendered.value;
    problems.push(...rendered.problems);
  }
  splitCommaLists(schema, merged);

  const warnings = deprecations(schema, merged);
  problems.push(...validateAgainst(schema, merged));
  // Sorted by field path so the same config always reads the same way.
  problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    config: merged,
    common,
    problems,
    warnings,
    secrets: sensitiveValues(schema, merged),
    placeholders,
  };
}

/** The Go SDK recognises the placeholder map by its `PackerRunUUID` placeholder text. */
function isPlaceholderMap(map: RawMap): boolean {
  const uuid = map.PackerRunUUID;
  return typeof uuid === 'string' && uuid.includes('Build_PackerRunUUID.');
}

/**
 * mapstructure's StringToSliceHookFunc(","), which Packer plugins decode with: a string where a
 * list is declared is split on commas ("" is the empty list).
 */
function splitCommaLists(schema: TSchema, value: RawMap): void {
  const properties = (schema as SchemaNode).properties ?? {};
  for (const [key, node] of Object.entries(properties)) {
    const v = value[key];
    if ((node as { type?: unknown }).type === 'array' && typeof v === 'string')
      value[key] = v === '' ? [] : v.split(',');
    else if (node.properties && typeof v === 'object' && v !== null && !Array.isArray(v))
      splitCommaLists(node, v as RawMap);
  }
}

type SchemaNode = TSchema & {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  'x-sensitive'?: boolean;
  'x-deprecated'?: string;
};

/** Walks value and schema together, calling `visit` for each declared property that is set. */
function walk(
  schema: SchemaNode,
  value: unknown,
  path: string,
  visit: (node: SchemaNode, value: unknown, path: string) => void,
): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((v, i) => walk(schema.items!, v, `${path}[${i}]`, visit));
    return;
  }
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const v = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const childPath = path === '' ? key : `${path}.${key}`;
    visit(child, v, childPath);
    walk(child, v, childPath, visit);
  }
}

function deprecations(schema: TSchema, value: RawMap): string[] {
  const out: string[] = [];
  walk(schema, value, '', (node, _v, path) => {
    if (node['x-deprecated']) out.push(`${path} is deprecated: ${node['x-deprecated']}`);
  });
  return out;
}

function sensitiveValues(schema: TSchema, value: RawMap): string[] {
  const out: string[] = [];
  walk(schema, value, '', (node, v) => {
    if (node['x-sensitive'] && typeof v === 'string' && v !== '') out.push(v);
  });
  return out;
}
