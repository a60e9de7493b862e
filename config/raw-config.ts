import type { ConfigProblem } from './problem.js';

export type RawMap = Record<string, unknown>;

/**
 * Turns one entry of the `Configs` list Packer sends into a plain map (protocol §5):
 * a JSON-template map as is; an HCL2 config (cty JSON `{"value", "type"}` inside a msgpack
 * `bin`) as its value with null attributes dropped, so defaults apply; nil (HCL2's absent
 * override map) as nothing.
 */
export function normalizeRawConfig(raw: unknown, index: number): { map?: RawMap; problem?: ConfigProblem } {
  if (raw === null || raw === undefined) return {};
  if (raw instanceof Uint8Array || (typeof raw === 'string' && raw.startsWith('{"value"'))) {
    const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      return {
        problem: { path: '', message: `config ${index} is not valid cty JSON: ${(err as Error).message}` },
      };
    }
    const value = (doc as { value?: unknown } | null)?.value;
    if (!isPlainMap(value))
      return { problem: { path: '', message: `config ${index} is cty JSON but not an object` } };
    return { map: plain(value, true) as RawMap };
  }
  if (raw instanceof Map || isPlainMap(raw)) return { map: plain(raw, false) as RawMap };
  return { problem: { path: '', message: `config ${index} is a ${typeof raw}, expected a map` } };
}

/** Copies `source` into `target`: nested maps merge key by key, everything else is replaced. */
export function mergeInto(target: RawMap, source: RawMap): RawMap {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    target[key] = isPlainMap(existing) && isPlainMap(value) ? mergeInto({ ...existing }, value) : value;
  }
  return target;
}

function isPlainMap(value: unknown): value is RawMap {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

/**
 * Normalises decoded msgpack/JSON into plain JS: Map → object (bin keys as UTF-8), safe
 * bigints → numbers, bin values → UTF-8 strings; with `dropNulls`, null map entries vanish.
 */
function plain(value: unknown, dropNulls: boolean): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map((v) => plain(v, dropNulls));
  if (value instanceof Map) {
    const out: RawMap = {};
    for (const [k, v] of value) {
      if (dropNulls && v === null) continue;
      out[k instanceof Uint8Array ? Buffer.from(k).toString('utf8') : String(k)] = plain(v, dropNulls);
    }
    return out;
  }
  if (isPlainMap(value)) {
    const out: RawMap = {};
    for (const [k, v] of Object.entries(value)) {
      if (dropNulls && v === null) continue;
      out[k] = plain(v, dropNulls);
    }
    return out;
  }
  return value;
}
