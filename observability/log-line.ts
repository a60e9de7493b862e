import { describeError } from '../errors/index.js';

/**
 * The plugin's log line, in the shape Packer relays: `[LEVEL] message key=value …`. Core
 * prefixes each stderr line with `<plugin> plugin:` and its own timestamp, and Go plugins
 * print none, so neither do we. Pure: no I/O, no environment.
 */
export function formatLogLine(
  level: string,
  message: string,
  meta: Readonly<Record<string, unknown>>,
): string {
  const pairs = Object.entries(meta)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${formatKey(key)}=${formatValue(value)}`);
  const head = `[${level.toUpperCase()}] ${message}`;
  return pairs.length === 0 ? head : `${head} ${pairs.join(' ')}`;
}

// A bare word reads best; anything that would split the pair on re-reading gets quoted.
const BARE = /^[^\s"=\\]+$/;

function formatKey(key: string): string {
  return BARE.test(key) ? key : JSON.stringify(key);
}

/** One value of a key=value pair; strings are bare when unambiguous, else JSON-quoted. */
export function formatValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return BARE.test(value) ? value : JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'function':
      return JSON.stringify(`<function ${value.name || 'anonymous'}>`);
    case 'symbol':
      return JSON.stringify(value.toString());
    default:
      break;
  }
  if (value === null) return 'null';
  if (value instanceof Error) return JSON.stringify(describeError(value));
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'invalid-date' : value.toISOString();
  try {
    return JSON.stringify(value, jsonSafe) ?? 'undefined';
  } catch {
    // Cycles and throwing getters: say what it was rather than lose the entry.
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    return JSON.stringify(`<unserialisable ${name ?? 'object'}>`);
  }
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return describeError(value);
  return value;
}
