import { sprintf } from '../config/interpolate/go-printf.js';

/** Packer's env_var_format when scripts get their variables on the command line. */
export const INLINE_ENV_VAR_FORMAT = "%s='%s' ";
/** Packer's env_var_format when they are written to a file that the command sources. */
export const FILE_ENV_VAR_FORMAT = "export %s='%s'\n";

/** A name a POSIX shell accepts for a variable. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// The Go SDK's placeholders for "the builder has no HTTP server" (StepHTTPServer).
const NOT_IMPLEMENTED = new Set([
  'ERR_HTTP_ADDR_NOT_IMPLEMENTED_BY_BUILDER',
  'ERR_HTTP_IP_NOT_IMPLEMENTED_BY_BUILDER',
  'ERR_HTTP_PORT_NOT_IMPLEMENTED_BY_BUILDER',
]);

export interface ShellEnvironmentInput {
  readonly buildName?: string;
  readonly builderType?: string;
  /** The build's generated data: `PackerHTTPAddr`, `PackerHTTPIP`, `PackerHTTPPort` become variables. */
  readonly generatedData?: Readonly<Record<string, unknown>>;
  /** `environment_vars`: `KEY=value` strings (the value may contain `=`). */
  readonly environmentVars?: readonly string[];
  /** `env`: overrides `environment_vars` of the same name. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The variables a shell provisioner sets, sorted by name as Packer sorts them:
 * `PACKER_BUILD_NAME`, `PACKER_BUILDER_TYPE`, `PACKER_HTTP_ADDR`/`_IP`/`_PORT` when the build
 * has an HTTP server, then `environment_vars`, then `env`.
 */
export function shellEnvironment(input: ShellEnvironmentInput): [string, string][] {
  const vars = new Map<string, string>();
  vars.set('PACKER_BUILD_NAME', input.buildName ?? '');
  vars.set('PACKER_BUILDER_TYPE', input.builderType ?? '');
  const data = input.generatedData ?? {};
  for (const [name, key] of [
    ['PACKER_HTTP_ADDR', 'PackerHTTPAddr'],
    ['PACKER_HTTP_IP', 'PackerHTTPIP'],
    ['PACKER_HTTP_PORT', 'PackerHTTPPort'],
  ] as const) {
    const value = data[key];
    const text =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint'
        ? String(value)
        : undefined;
    if (text !== undefined && !NOT_IMPLEMENTED.has(text)) vars.set(name, text);
  }
  for (const pair of input.environmentVars ?? []) {
    const at = pair.indexOf('=');
    if (at > 0) vars.set(pair.slice(0, at), pair.slice(at + 1));
  }
  for (const [name, value] of Object.entries(input.env ?? {})) vars.set(name, value);
  return [...vars].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Formats the variables with `format` (a Go printf format taking the name and the value), as
 * Packer does: each value's single quotes become `'"'"'`, so inside the format's own single
 * quotes every byte — `$`, backslashes, newlines, quotes — reaches the script unchanged.
 * @example flattenEnvironment([['A', "it's $HOME"]]) // "A='it'\"'\"'s $HOME' "
 */
export function flattenEnvironment(
  vars: readonly (readonly [string, string])[],
  format: string = INLINE_ENV_VAR_FORMAT,
): string {
  return vars.map(([name, value]) => sprintf(format, [name, value.replace(/'/g, `'"'"'`)])).join('');
}

/**
 * Problems with `environment_vars` entries: not `KEY=value`, or a key a shell would not take
 * as a name (Packer accepts those and the command line then breaks, or runs the rest as a
 * command; here they fail validation).
 */
export function environmentProblems(
  environmentVars: readonly string[] | undefined,
  env: Readonly<Record<string, string>> | undefined,
): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  (environmentVars ?? []).forEach((pair, i) => {
    const at = pair.indexOf('=');
    if (at <= 0) {
      problems.push({
        path: `environment_vars[${i}]`,
        message: `Environment variable not in format 'key=value': ${pair}`,
      });
    } else if (!ENV_NAME.test(pair.slice(0, at))) {
      problems.push({
        path: `environment_vars[${i}]`,
        message: `${JSON.stringify(pair.slice(0, at))} is not a valid variable name (letters, digits and _, not starting with a digit)`,
      });
    }
  });
  for (const name of Object.keys(env ?? {})) {
    if (!ENV_NAME.test(name)) {
      problems.push({
        path: `env[${JSON.stringify(name)}]`,
        message: `${JSON.stringify(name)} is not a valid variable name (letters, digits and _, not starting with a digit)`,
      });
    }
  }
  return problems;
}
