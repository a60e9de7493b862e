/**
 * The functions Packer adds to templates (the Go SDK's `template/interpolate/funcs.go`), bound
 * to a context. Error messages keep Packer's wording where it is useful and say what to do
 * where Packer's is terse.
 */
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { processStartTime, type InterpolationContext } from './context.js';
import type { EvaluatorFunction, TemplateParam } from './functions.js';
import { utf8Bytes } from './go-strconv.js';
import { formatGoTime, goLayouts } from './go-time.js';
import { strftime } from './strftime.js';
import { kindOf, mapLookup } from './values.js';

/**
 * Text Packer puts into not-yet-known build data (`Build_ID. To set this …`). `{{ build `ID` }}`
 * renders such a value as `{{.ID}}` so it can be rendered again once the build knows it.
 */
export const BUILD_PLACEHOLDER_MESSAGE =
  'To set this dynamically in the Packer template, you must use the `build` function';

/** The build data keys every builder provides (Packer's `BuilderDataCommonKeys`). */
export const BUILD_DATA_COMMON_KEYS: readonly string[] = [
  'ID',
  'Host',
  'Port',
  'User',
  'Password',
  'ConnType',
  'PackerRunUUID',
  'PackerHTTPPort',
  'PackerHTTPIP',
  'PackerHTTPAddr',
  'SSHPublicKey',
  'SSHPrivateKey',
  'WinRMPassword',
];

/**
 * Placeholder build data for Prepare time, as Packer's `BasicPlaceholderData`: each common key
 * holds a placeholder, so `{{ build `Host` }}` survives until the build fills it in.
 */
export function buildPlaceholderData(): Record<string, string> {
  const data: Record<string, string> = {};
  for (const key of BUILD_DATA_COMMON_KEYS) data[key] = `Build_${key}. ${BUILD_PLACEHOLDER_MESSAGE}`;
  // Packer lets WinRMPassword through without the build function, for old templates.
  data.WinRMPassword = '{{.WinRMPassword}}';
  return data;
}

const fn = (
  params: readonly TemplateParam[],
  call: (...args: never[]) => unknown,
  variadic?: TemplateParam,
): EvaluatorFunction => ({ params, variadic, call: call as (...args: unknown[]) => unknown, raw: false });

/** Go's `strings.Replace(s, old, new, n)`; n < 0 replaces every match. */
export function goReplace(s: string, old: string, replacement: string, n: number): string {
  if (old === replacement || n === 0) return s;
  const runes = [...s];
  const count = old === '' ? runes.length + 1 : s.split(old).length - 1;
  if (count === 0) return s;
  const limit = n < 0 || count < n ? count : n;
  if (old === '') {
    // An empty "old" matches before every rune and at the end.
    let out = '';
    for (let i = 0; i < runes.length + 1; i++) {
      if (i < limit) out += replacement;
      if (i < runes.length) out += runes[i];
    }
    return out;
  }
  let out = '';
  let start = 0;
  for (let i = 0; i < limit; i++) {
    const j = s.indexOf(old, start);
    out += s.slice(start, j) + replacement;
    start = j + old.length;
  }
  return out + s.slice(start);
}

function mapRunes(s: string, map: (ch: string) => string): string {
  let out = '';
  for (const ch of s) {
    const mapped = map(ch);
    // Go maps rune by rune (simple case mapping); a mapping to several runes leaves the rune alone.
    out += [...mapped].length === 1 ? mapped : ch;
  }
  return out;
}

/** Go's `strings.ToUpper`. */
export function goToUpper(s: string): string {
  return mapRunes(s, (ch) => ch.toUpperCase());
}

/** Go's `strings.ToLower`. */
export function goToLower(s: string): string {
  return mapRunes(s, (ch) => (ch === '\u0130' ? 'i' : ch.toLowerCase()));
}

/**
 * The default `clean_resource_name`, the rule Packer documents (and its Google Compute builder
 * uses): lower-case, then every byte that is not `a-z` or `0-9` becomes `-`. A multi-byte
 * character therefore becomes several dashes. Builders with other naming rules override it
 * through {@link InterpolationContext.functions}.
 */
export function cleanResourceName(s: string): string {
  let out = '';
  for (const b of utf8Bytes(goToLower(s))) {
    out += (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7a) ? String.fromCharCode(b) : '-';
  }
  return out;
}

/** Packer's `uuid`: 32 bits of Unix time, then 96 random bits, as 8-4-4-4-12 hex digits. */
export function timeOrderedUuid(now: Date = new Date()): string {
  const seconds = (Math.floor(now.getTime() / 1000) >>> 0).toString(16).padStart(8, '0');
  const hex = randomBytes(12).toString('hex');
  return `${seconds}-${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}${hex.slice(16)}`;
}

function goSplit(s: string, sep: string): string[] {
  return sep === '' ? [...s] : s.split(sep);
}

function lookupBuildValue(data: unknown, key: string): string {
  if (kindOf(data) !== 'map') {
    throw new Error(
      `Error validating build variable: the given variable ${key} will not be passed into your plugin.`,
    );
  }
  const held = mapLookup(data as object, key);
  if (typeof held !== 'string') throw new Error(`loaded data, but couldnt find ${key} in it.`);
  return held.includes(BUILD_PLACEHOLDER_MESSAGE) ? `{{.${key}}}` : held;
}

function variablesOnly(name: string, what: string): () => never {
  return () => {
    throw new Error(
      `${name} can only be used in the variables section of a template, which Packer core renders; ` +
        `a plugin cannot read ${what}. Read the value into a user variable and use {{ user \`name\` }}`,
    );
  };
}

/** Packer's template functions for one context. */
export function packerFunctions(ctx: InterpolationContext): Map<string, EvaluatorFunction> {
  const now = (): Date => ctx.now ?? processStartTime;
  const envAllowed = ctx.env !== undefined && ctx.env !== false;
  const required = (value: string | undefined, what: string): string => {
    if (value === undefined || value === '') throw new Error(`${what} not available`);
    return value;
  };
  return new Map<string, EvaluatorFunction>([
    ['build_name', fn([], () => required(ctx.buildName, 'build_name'))],
    ['build_type', fn([], () => required(ctx.buildType, 'build_type'))],
    ['packer_version', fn([], () => required(ctx.packerVersion, 'packer_version'))],
    [
      'env',
      fn(['string'], (key: string) => {
        if (!envAllowed) {
          throw new Error(
            'env vars are not allowed here: env can only be used in the variables section of a template; ' +
              'read the value into a user variable and use {{ user `name` }}',
          );
        }
        const source = ctx.env === true ? process.env : ctx.env;
        return source[key] ?? '';
      }),
    ],
    [
      'user',
      fn(['string'], (key: string) => {
        const vars = ctx.userVariables;
        if (vars === undefined) throw new Error('user variables are not available in this context');
        const value = Object.prototype.hasOwnProperty.call(vars, key) ? vars[key] : undefined;
        // While the variables section renders, an unset variable is an error Packer retries on.
        if (value === undefined && envAllowed) throw new Error(`Error: variable not set: ${key}`);
        return value ?? '';
      }),
    ],
    [
      'isotime',
      fn(
        [],
        (...format: string[]) => {
          if (format.length === 0) return formatGoTime(now(), goLayouts.RFC3339);
          if (format.length > 1) throw new Error(`too many values, 1 needed: [${format.join(' ')}]`);
          return formatGoTime(now(), format[0]!);
        },
        'string',
      ),
    ],
    ['strftime', fn(['string'], (format: string) => strftime(format, now()))],
    ['timestamp', fn([], () => String(Math.floor(now().getTime() / 1000)))],
    ['uuid', fn([], () => (ctx.uuid ? ctx.uuid() : timeOrderedUuid()))],
    ['pwd', fn([], () => ctx.workingDirectory ?? process.cwd())],
    ['template_dir', fn([], () => resolve(dirname(required(ctx.templatePath, 'template path'))))],
    [
      'split',
      fn(['string', 'string', 'int'], (s: string, sep: string, i: number) => {
        const parts = goSplit(s, sep);
        if (i < 0) throw new Error(`runtime error: index out of range [${i}]`);
        if (parts.length <= i) {
          throw new Error(
            `the substring ${i} was unavailable using the separator value, ${sep}, only ${parts.length} values were found`,
          );
        }
        return parts[i];
      }),
    ],
    [
      'replace',
      fn(['string', 'string', 'int', 'string'], (old: string, replacement: string, n: number, src: string) =>
        goReplace(src, old, replacement, n),
      ),
    ],
    [
      'replace_all',
      fn(['string', 'string', 'string'], (old: string, replacement: string, src: string) =>
        goReplace(src, old, replacement, -1),
      ),
    ],
    ['upper', fn(['string'], goToUpper)],
    ['lower', fn(['string'], goToLower)],
    ['clean_resource_name', fn(['string'], cleanResourceName)],
    ['build', fn(['string'], (key: string) => lookupBuildValue(ctx.data, key))],
    [
      'sed',
      fn(['string', 'string'], () => {
        throw new Error(
          'template function `sed` was removed from Packer: use `replace` or `replace_all` instead',
        );
      }),
    ],
    ...(['clean_ami_name', 'clean_image_name'] as const).map((name): [string, EvaluatorFunction] => [
      name,
      fn(['string'], () => {
        throw new Error(`template function \`${name}\` was renamed: use \`clean_resource_name\` instead`);
      }),
    ]),
    ['consul_key', fn(['string'], variablesOnly('consul_key', 'Consul'))],
    ['vault', fn(['string', 'string'], variablesOnly('vault', 'Vault'))],
    ['aws_secretsmanager', fn([], variablesOnly('aws_secretsmanager', 'AWS Secrets Manager'), 'string')],
    [
      'aws_secretsmanager_raw',
      fn(['string'], variablesOnly('aws_secretsmanager_raw', 'AWS Secrets Manager')),
    ],
  ]);
}
