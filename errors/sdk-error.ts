import { errorCodes, type ErrorCode } from './codes.js';

export interface SdkErrorOptions {
  cause?: unknown;
  /** Structured facts about the failure (field path, step path, byte offset…), safe to log. */
  details?: Readonly<Record<string, unknown>>;
}

/**
 * An error with a stable `code` from the registry. The message says what happened; the
 * registry's hint (available as `hint`) says what to do about it.
 */
export class SdkError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: SdkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SdkError';
    this.code = code;
    this.details = options.details ?? {};
  }

  get hint(): string {
    return errorCodes[this.code].hint;
  }
}

/** True when `err` is an SdkError, optionally with the given code. */
export function isSdkError(err: unknown, code?: ErrorCode): err is SdkError {
  return err instanceof SdkError && (code === undefined || err.code === code);
}

/**
 * Flattens an error and its cause chain to one line, for the wire and for Ui output. A cause
 * whose message the line already contains is not repeated.
 */
export function describeError(err: unknown): string {
  let line = '';
  const seen = new Set<unknown>();
  for (let current: unknown = err; current !== undefined && current !== null && !seen.has(current);) {
    seen.add(current);
    if (!(current instanceof Error)) {
      const text = typeof current === 'string' ? current : safeJson(current);
      line = line === '' ? text : `${line}: ${text}`;
      break;
    }
    const text = current instanceof SdkError ? `[${current.code}] ${current.message}` : current.message;
    if (!line.includes(current.message)) line = line === '' ? text : `${line}: ${text}`;
    current = current.cause;
  }
  return line;
}

/** `value` if it is an Error, otherwise an Error describing it (for throw sites that need one). */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(describeError(value));
}

function safeJson(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value)
    );
  } catch {
    return Object.prototype.toString.call(value);
  }
}
