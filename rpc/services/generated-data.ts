import type { GeneratedData, GeneratedValue } from '../../packer/hook.js';

/**
 * Prepares generated data for the wire. Packer 1.6.6 accepts only string, int64, uint64 and
 * bool values in `build.*` ("unhandled buildvar type" otherwise, protocol §6.1): integral
 * numbers and bigints go as msgpack ints, anything else as its string form.
 */
export function wireGeneratedData(data: GeneratedData): Record<string, string | number | bigint | boolean> {
  const out: Record<string, string | number | bigint | boolean> = {};
  for (const [key, value] of Object.entries(data) as [string, GeneratedValue | null | undefined][]) {
    if (value === null || value === undefined) continue;
    out[key] = typeof value === 'number' && !Number.isInteger(value) ? String(value) : value;
  }
  return out;
}

/** Reads generated data core sent (`map[string]interface{}`) into plain values. */
export function readGeneratedData(value: unknown): GeneratedData {
  const out: Record<string, GeneratedValue> = {};
  if (typeof value !== 'object' || value === null) return out;
  const entries = value instanceof Map ? [...(value as Map<unknown, unknown>)] : Object.entries(value);
  for (const [k, v] of entries) {
    const key = k instanceof Uint8Array ? Buffer.from(k).toString('utf8') : String(k);
    if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint')
      out[key] = v;
    else if (v instanceof Uint8Array) out[key] = Buffer.from(v).toString('utf8');
  }
  return out;
}
