/**
 * The public entry points: parse, validate and render template strings, and render every
 * string inside a configuration value, leaving fields that render later (a boot command that
 * needs the HTTP server's address) untouched but syntax-checked.
 */
import { SdkError, isSdkError } from '../../errors/index.js';
import type { ParsedTemplate } from './ast.js';
import { builtinFunctions } from './builtins.js';
import type { InterpolationContext } from './context.js';
import { execute, type MissingKey } from './evaluator.js';
import { hostFunction, isValidFunctionName, type EvaluatorFunction } from './functions.js';
import { packerFunctions } from './packer-functions.js';
import { parse } from './parser.js';
import { withFieldPath } from './template-error.js';

/** Packer names every template `root`, so messages read `template: root:1:3: …`. */
const DEFAULT_NAME = 'root';

export interface RenderOptions {
  /** Name shown in messages (`template: NAME:…`); Packer uses `root`. */
  readonly name?: string;
  /**
   * What a missing map key yields, like Go's `missingkey` option. Packer sets no option, so the
   * default prints `<no value>`; `zero` gives a nil value (also printed `<no value>`); `error`
   * fails the render.
   */
  readonly missingKey?: MissingKey;
}

export interface RenderValueOptions extends RenderOptions {
  /**
   * Fields rendered later, by a step that has their data. Either field paths (`boot_command`
   * also covers `boot_command[0]`) or a predicate over paths. Skipped strings are still
   * parsed, so syntax errors surface at Prepare time.
   */
  readonly skip?: readonly string[] | ((path: string) => boolean);
  /** Path of `value` itself, prefixed to every path (default: none). */
  readonly path?: string;
}

function functionTable(ctx: InterpolationContext | undefined): Map<string, EvaluatorFunction> {
  const table = new Map<string, EvaluatorFunction>(builtinFunctions);
  for (const [name, f] of packerFunctions(ctx ?? {})) table.set(name, f);
  for (const [name, f] of Object.entries(ctx?.functions ?? {})) {
    if (!isValidFunctionName(name)) {
      throw new SdkError(
        'PKR_ERR_OPTION_INVALID',
        `template function name ${JSON.stringify(name)} is not an identifier`,
        {
          details: { option: 'functions', name },
        },
      );
    }
    table.set(name, hostFunction(f));
  }
  return table;
}

/**
 * Parses a template string. Calls are checked against the functions `context` provides, as Go
 * does at parse time.
 *
 * @throws SdkError `PKR_ERR_TEMPLATE_SYNTAX` naming the line and column.
 */
export function parseTemplate(
  text: string,
  name: string = DEFAULT_NAME,
  context?: InterpolationContext,
): ParsedTemplate {
  return parse(name, text, { functions: new Set(functionTable(context).keys()) });
}

/**
 * Checks a template's syntax without rendering it: use it at Prepare time for fields that are
 * rendered later.
 *
 * @throws SdkError `PKR_ERR_TEMPLATE_SYNTAX`.
 */
export function validateTemplate(
  text: string,
  context?: InterpolationContext,
  options: RenderOptions = {},
): void {
  parseTemplate(text, options.name ?? DEFAULT_NAME, context);
}

/**
 * Renders a template string (or a parsed template) once, as Packer's `interpolate.RenderOnce`.
 *
 * @example
 * render('vm-{{ build_name }}-{{ user `env` }}', { buildName: 'web', userVariables: { env: 'prod' } })
 * // 'vm-web-prod'
 * @throws SdkError `PKR_ERR_TEMPLATE_SYNTAX` or `PKR_ERR_TEMPLATE_EXEC`.
 */
export function render(
  template: string | ParsedTemplate,
  context: InterpolationContext = {},
  options: RenderOptions = {},
): string {
  const functions = functionTable(context);
  const parsed =
    typeof template === 'string'
      ? parse(options.name ?? DEFAULT_NAME, template, { functions: new Set(functions.keys()) })
      : template;
  return execute(parsed, context.data, { functions, missingKey: options.missingKey });
}

function skipper(skip: RenderValueOptions['skip']): (path: string) => boolean {
  if (skip === undefined) return () => false;
  if (typeof skip === 'function') return skip;
  return (path) => skip.some((p) => path === p || path.startsWith(`${p}[`) || path.startsWith(`${p}.`));
}

function childPath(parent: string, key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Renders every string inside a configuration value — strings in arrays, object values and
 * object keys — and returns the rendered copy; the input is not modified. Errors name the
 * field path: `boot_command[2]: template: root:1:14: …`.
 *
 * @example
 * renderValue(config, ctx, { skip: ['boot_command'] }) // boot_command is rendered by a step later
 * @throws SdkError `PKR_ERR_TEMPLATE_SYNTAX` or `PKR_ERR_TEMPLATE_EXEC`, with `details.path`.
 */
export function renderValue<T>(
  value: T,
  context: InterpolationContext = {},
  options: RenderValueOptions = {},
): T {
  const functions = functionTable(context);
  const names = new Set(functions.keys());
  const name = options.name ?? DEFAULT_NAME;
  const skip = skipper(options.skip);

  const renderString = (text: string, path: string, deferred: boolean): string => {
    try {
      // Plain text cannot change: skip the parser for the common case.
      if (!text.includes('{{')) return text;
      const parsed = parse(name, text, { functions: names });
      if (deferred) return text;
      return execute(parsed, context.data, { functions, missingKey: options.missingKey });
    } catch (error) {
      if (isSdkError(error)) throw withFieldPath(error, path);
      throw error;
    }
  };

  const walk = (v: unknown, path: string): unknown => {
    const deferred = path !== '' && skip(path);
    if (typeof v === 'string') return renderString(v, path, deferred);
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}[${i}]`));
    if (v instanceof Map) {
      const out = new Map<unknown, unknown>();
      for (const [k, item] of v as Map<unknown, unknown>) {
        const keyPath = typeof k === 'string' ? childPath(path, k) : `${path}[${String(k)}]`;
        const key = typeof k === 'string' ? renderString(k, keyPath, deferred) : k;
        out.set(key, walk(item, keyPath));
      }
      return out;
    }
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        const keyPath = childPath(path, k);
        out[renderString(k, keyPath, deferred)] = walk(item, keyPath);
      }
      return out;
    }
    return v;
  };
  return walk(value, options.path ?? '') as T;
}
