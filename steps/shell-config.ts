import { Type, type Static } from '@sinclair/typebox';
import { statSync } from 'node:fs';
import { parseDurationMs } from '../config/duration.js';
import type { ConfigProblem } from '../config/problem.js';
import { Deferred, Duration } from '../config/schema.js';
import { environmentProblems, FILE_ENV_VAR_FORMAT, INLINE_ENV_VAR_FORMAT } from './shell-env.js';

/**
 * The fields every shell-like provisioner shares (the Go SDK's `shell.Provisioner`), with
 * Packer's names. Fields marked "(SDK)" are ours.
 */
export const shellCommonProperties = {
  inline: Type.Optional(
    Type.Array(Type.String(), {
      description: 'Commands to run, one per line of a script that starts with inline_shebang.',
    }),
  ),
  script: Type.String({ default: '', description: 'A local script to upload and run.' }),
  scripts: Type.Array(Type.String(), {
    default: [],
    description: 'Local scripts to upload and run, in order.',
  }),
  environment_vars: Type.Array(Type.String(), {
    default: [],
    description: 'Variables for the scripts, as "KEY=value" (the value may hold any character).',
  }),
  env: Type.Record(Type.String(), Type.String(), {
    default: {},
    description: 'Variables for the scripts as a map; these win over environment_vars of the same name.',
  }),
  env_var_format: Type.String({
    default: '',
    description: `How one variable is written (a Go printf format of the name and the value). Default "${INLINE_ENV_VAR_FORMAT}", or "export %s='%s'\\n" with use_env_var_file.`,
  }),
  valid_exit_codes: Type.Array(Type.Integer(), {
    default: [],
    description: 'Exit statuses that count as success. Empty: [0].',
  }),
};

/** Packer's `shell` provisioner configuration: run scripts on the machine through its communicator. */
export const shellProvisionerProperties = {
  ...shellCommonProperties,
  inline_shebang: Type.String({ default: '/bin/sh -e', description: 'The #! line of the inline script.' }),
  execute_command: Deferred(
    Type.String({
      default: '',
      description:
        'How a script is run: a template with {{.Path}} (the script on the machine), {{.Vars}} (the variables) and {{.EnvVarFile}}. Default "chmod +x {{.Path}}; {{.Vars}} {{.Path}}", or "chmod +x {{.Path}}; . {{.EnvVarFile}} && {{.Path}}" with use_env_var_file.',
    }),
  ),
  use_env_var_file: Type.Boolean({
    default: false,
    description:
      'Write the variables to a file on the machine that execute_command sources ({{.EnvVarFile}}).',
  }),
  remote_folder: Type.String({
    default: '/tmp',
    description: 'Existing directory on the machine the script is uploaded to.',
  }),
  remote_file: Type.String({
    default: '',
    description: 'Name of the uploaded script. Default script_<random>.sh.',
  }),
  remote_path: Type.String({
    default: '',
    description: 'Full path of the uploaded script. Default remote_folder/remote_file.',
  }),
  binary: Type.Boolean({
    default: false,
    description: 'Upload scripts as they are; otherwise Windows line endings (CRLF) become LF.',
  }),
  expect_disconnect: Type.Boolean({
    default: false,
    description: 'A script that drops the connection (e.g. it reboots the machine) succeeds.',
  }),
  start_retry_timeout: Duration({
    default: '5m',
    description: 'Keep retrying to upload and start a script this long, e.g. while the machine reboots.',
  }),
  start_retry_delay: Duration({
    default: '2s',
    description: '(SDK) Pause between two attempts to start a script.',
  }),
  skip_clean: Type.Boolean({ default: false, description: 'Leave the uploaded scripts on the machine.' }),
  pause_after: Duration({ default: '0s', description: 'Wait this long after the last script.' }),
};

export const ShellProvisionerSchema = Type.Object(shellProvisionerProperties, {
  additionalProperties: false,
});
export type ShellProvisionerConfig = Static<typeof ShellProvisionerSchema>;

/** The same config with every defaulted field optional, for code that builds it by hand. */
export type ShellProvisionerInput = Partial<ShellProvisionerConfig>;

/** What the shell provisioner runs with, defaults applied. */
export interface ResolvedShellConfig {
  /** Local script paths, or empty when `inline` is used. */
  readonly scripts: readonly string[];
  readonly inline: readonly string[] | undefined;
  readonly inlineShebang: string;
  readonly executeCommand: string;
  readonly envVarFormat: string;
  readonly useEnvVarFile: boolean;
  readonly remoteFolder: string;
  readonly remotePath: string;
  readonly binary: boolean;
  readonly validExitCodes: readonly number[];
  readonly expectDisconnect: boolean;
  readonly startRetryTimeoutMs: number;
  readonly startRetryDelayMs: number;
  readonly skipClean: boolean;
  readonly pauseAfterMs: number;
}

/**
 * Applies Packer's defaults: the execute_command and env_var_format that go with
 * use_env_var_file, `remote_folder/script_<random>.sh`, exit status 0, `script` as `scripts`.
 * `random` (0 ≤ x < 1) names the remote file.
 */
export function resolveShellConfig(
  config: ShellProvisionerInput,
  random: () => number = Math.random,
): ResolvedShellConfig {
  const useEnvVarFile = config.use_env_var_file ?? false;
  const remoteFolder = config.remote_folder || '/tmp';
  const remoteFile = config.remote_file || `script_${Math.floor(random() * 9999)}.sh`;
  const inline = config.inline && config.inline.length > 0 ? config.inline : undefined;
  return {
    scripts: config.script ? [config.script] : (config.scripts ?? []),
    inline,
    inlineShebang: config.inline_shebang || '/bin/sh -e',
    executeCommand:
      config.execute_command ||
      (useEnvVarFile
        ? 'chmod +x {{.Path}}; . {{.EnvVarFile}} && {{.Path}}'
        : 'chmod +x {{.Path}}; {{.Vars}} {{.Path}}'),
    envVarFormat: config.env_var_format || (useEnvVarFile ? FILE_ENV_VAR_FORMAT : INLINE_ENV_VAR_FORMAT),
    useEnvVarFile,
    remoteFolder,
    remotePath: config.remote_path || `${remoteFolder}/${remoteFile}`,
    binary: config.binary ?? false,
    validExitCodes:
      config.valid_exit_codes && config.valid_exit_codes.length > 0 ? config.valid_exit_codes : [0],
    expectDisconnect: config.expect_disconnect ?? false,
    startRetryTimeoutMs: parseDurationMs(config.start_retry_timeout || '5m') || 5 * 60_000,
    startRetryDelayMs: Math.max(0, parseDurationMs(config.start_retry_delay || '2s')),
    skipClean: config.skip_clean ?? false,
    pauseAfterMs: Math.max(0, parseDurationMs(config.pause_after || '0s')),
  };
}

/**
 * Packer's Prepare checks for a shell provisioner, as problems with field paths: one of
 * `inline`, `script` or `scripts`, scripts that exist, `KEY=value` variables with usable names.
 * Use it as (or in) a component's `validate` hook.
 */
export function validateShellConfig(config: ShellProvisionerInput): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const scripts = config.scripts ?? [];
  const hasInline = config.inline !== undefined && config.inline.length > 0;
  if (config.script && scripts.length > 0) {
    problems.push({ path: 'script', message: 'Only one of script or scripts can be specified.' });
  }
  const hasScripts = Boolean(config.script) || scripts.length > 0;
  if (!hasScripts && !hasInline) {
    problems.push({ path: '', message: 'Either a script file or inline script must be specified.' });
  } else if (hasScripts && hasInline) {
    problems.push({
      path: 'inline',
      message: 'Only a script file or an inline script can be specified, not both.',
    });
  }
  problems.push(
    ...scriptProblems(config.script ? [config.script] : scripts, config.script ? 'script' : 'scripts'),
  );
  problems.push(...environmentProblems(config.environment_vars, config.env));
  return problems;
}

/** A problem for every listed script that is not a readable file. */
export function scriptProblems(scripts: readonly string[], field: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  scripts.forEach((script, i) => {
    const path = field === 'script' ? field : `${field}[${i}]`;
    try {
      if (!statSync(script).isFile()) problems.push({ path, message: `Bad script '${script}': not a file` });
    } catch (err) {
      problems.push({ path, message: `Bad script '${script}': ${(err as Error).message}` });
    }
  });
  return problems;
}
