/**
 * Template errors in Go's wording, carried as coded SdkErrors. Go prints execution errors as
 * `template: NAME:LINE:COL: executing "NAME" at <CONTEXT>: MESSAGE`, where COL is the byte
 * offset of the failing node within its line (0-based). Parse errors in Go carry only the line;
 * ours add the column in the same convention so an editor can jump to the spot.
 */
import { SdkError } from '../../errors/index.js';
import { utf8Length } from './go-strconv.js';

export interface SourceLocation {
  /** 1-based line. */
  readonly line: number;
  /** Byte offset within the line, 0-based — Go's convention. */
  readonly column: number;
}

/** Line and Go-style byte column of `pos` in `source`. */
export function locate(source: string, pos: number): SourceLocation {
  const before = source.slice(0, Math.max(0, Math.min(pos, source.length)));
  const lastNewline = before.lastIndexOf('\n');
  let line = 1;
  for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) line++;
  return { line, column: utf8Length(before.slice(lastNewline + 1)) };
}

/** Builds the error for a template that does not parse. */
export function parseError(name: string, source: string, pos: number, message: string): SdkError {
  const { line, column } = locate(source, pos);
  return new SdkError('PKR_ERR_TEMPLATE_SYNTAX', `template: ${name}:${line}:${column}: ${message}`, {
    details: { template: name, line, column, reason: message },
  });
}

/** Builds the error for a template that fails while rendering at a node. */
export function execError(
  name: string,
  source: string,
  at: { pos: number; context: string } | undefined,
  message: string,
  cause?: unknown,
): SdkError {
  if (at === undefined) {
    return new SdkError('PKR_ERR_TEMPLATE_EXEC', `template: ${name}: ${message}`, {
      cause,
      details: { template: name, reason: message },
    });
  }
  const { line, column } = locate(source, at.pos);
  return new SdkError(
    'PKR_ERR_TEMPLATE_EXEC',
    `template: ${name}:${line}:${column}: executing "${name}" at <${at.context}>: ${message}`,
    { cause, details: { template: name, line, column, context: at.context, reason: message } },
  );
}

/**
 * Prefixes a template error with the config field it came from (`boot_command[2]: template: …`),
 * keeping its code and adding the path to its details.
 */
export function withFieldPath(error: SdkError, path: string): SdkError {
  if (path === '') return error;
  return new SdkError(error.code, `${path}: ${error.message}`, {
    cause: error.cause,
    details: { ...error.details, path },
  });
}
