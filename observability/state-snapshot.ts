import type { StateEntry } from '../engine/state.js';
import type { StateEntryMessage } from './control-messages.js';
import { maskText, MASK } from './mask.js';

/** Values whose JSON text is longer than this are summarised instead of sent. */
export const MAX_VALUE_CHARS = 64 * 1024;

/**
 * A redacted snapshot of the state bag for GetState: a key declared sensitive is withheld
 * whole; every other value is rendered as JSON text with each known secret masked wherever
 * it appears (as is, or JSON-escaped). Values JSON cannot express (live clients, functions,
 * cycles) are summarised by what they are.
 */
export function snapshotState(
  entries: readonly StateEntry[],
  secrets: readonly string[],
  maxChars = MAX_VALUE_CHARS,
): StateEntryMessage[] {
  return entries.map(({ key, value }) => {
    if (key.sensitive) return { key: key.name, sensitive: true, masked: true, json: '', summary: MASK };
    const rendered = renderValue(value);
    if (rendered.json === undefined) {
      return { key: key.name, sensitive: false, masked: false, json: '', summary: rendered.summary };
    }
    const json = maskText(rendered.json, secrets);
    const masked = json !== rendered.json;
    if (json.length > maxChars) {
      return {
        key: key.name,
        sensitive: false,
        masked,
        json: '',
        summary: `<${json.length} characters of JSON>`,
      };
    }
    return { key: key.name, sensitive: false, masked, json, summary: '' };
  });
}

type Rendered = { json: string; summary?: undefined } | { json?: undefined; summary: string };

/** JSON text for plain data; a short `<what it is>` for anything else. */
export function renderValue(value: unknown): Rendered {
  const opaque = describeOpaque(value);
  if (opaque !== undefined) return { summary: opaque };
  try {
    const json = JSON.stringify(value, replacer);
    return json === undefined ? { summary: `<${typeof value}>` } : { json };
  } catch (err) {
    return {
      summary: `<unserialisable ${className(value)}: ${err instanceof Error ? err.message : String(err)}>`,
    };
  }
}

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), v]));
  if (value instanceof Set) return [...value];
  return describeOpaque(value) ?? value;
}

/**
 * A summary for values that are behaviour rather than data: functions, binary buffers, and
 * objects with methods (a Ui client, a communicator) whose JSON would be an empty `{}`.
 */
function describeOpaque(value: unknown): string | undefined {
  if (typeof value === 'function') return `<function ${value.name || 'anonymous'}>`;
  if (typeof value === 'symbol') return `<${value.toString()}>`;
  if (typeof value !== 'object' || value === null) return undefined;
  if (ArrayBuffer.isView(value)) return `<${className(value)} ${value.byteLength} bytes>`;
  if (Array.isArray(value) || value instanceof Date || value instanceof Map || value instanceof Set)
    return undefined;
  if (value instanceof Error) return undefined;
  if (!hasMethods(value)) return undefined;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== null && proto !== Object.prototype) return `<${className(value)}>`;
  const methods = Object.keys(value).filter(
    (k) => typeof (value as Record<string, unknown>)[k] === 'function',
  );
  return `<object with ${methods.slice(0, 6).join(', ')}${methods.length > 6 ? ', …' : ''}>`;
}

function hasMethods(value: object): boolean {
  if (Object.values(value).some((v) => typeof v === 'function')) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return false;
  return Object.getOwnPropertyNames(proto).some(
    (name) =>
      name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === 'function',
  );
}

function className(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? name : 'object';
}
