import { Type, type Static } from '@sinclair/typebox';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants as osConstants, tmpdir } from 'node:os';
import path from 'node:path';
import { defineProvisioner } from '../components/define-provisioner.js';
import { packerCommonKey } from '../components/define-builder.js';
import type { ConfigProblem } from '../config/problem.js';
import { render, type InterpolationContext } from '../config/interpolate/index.js';
import type { PackerCommon } from '../config/packer-common.js';
import { Deferred } from '../config/schema.js';
import { abortReason } from '../engine/clock.js';
import { keys } from '../engine/keys.js';
import type { State } from '../engine/state.js';
import type { Step, StepContext, StepResult } from '../engine/step.js';
import { SdkError } from '../errors/index.js';
import type { Ui } from '../packer/ui.js';
import { scriptProblems, shellCommonProperties } from './shell-config.js';
import {
  environmentProblems,
  flattenEnvironment,
  INLINE_ENV_VAR_FORMAT,
  shellEnvironment,
} from './shell-env.js';
import { createLineWriter, endAndWait } from './shell-output.js';
import { provisionHookData } from './step-provision.js';

/** The operating-system names `only_on` takes (Go's GOOS values Packer accepts). */
export const SHELL_LOCAL_OS_NAMES = ['darwin', 'freebsd', 'linux', 'openbsd', 'solaris', 'windows'] as const;

/** Packer's `shell-local` configuration: run commands on the machine Packer runs on. */
export const shellLocalProperties = {
  ...shellCommonProperties,
  command: Type.String({
    default: '',
    description: 'One command to run (Packer keeps it for old templates; use inline).',
    'x-deprecated': 'use inline instead.',
  }),
  inline_shebang: Type.String({ default: '/bin/sh -e', description: 'The #! line of the inline script.' }),
  execute_command: Deferred(
    Type.Array(Type.String(), {
      default: [],
      description:
        'The program and arguments that run a script, each a template with {{.Script}} (the script path) and {{.Vars}} (the variables). Default ["/bin/sh", "-c", "{{.Vars}} {{.Script}}"].',
    }),
  ),
  only_on: Type.Array(Type.String(), {
    default: [],
    description: `Run only on these operating systems (${SHELL_LOCAL_OS_NAMES.join(', ')}). Empty: everywhere.`,
  }),
  tempfile_extension: Type.String({
    default: '',
    description: 'Extension of the temporary inline script, e.g. "sh".',
  }),
};

export const ShellLocalSchema = Type.Object(shellLocalProperties, { additionalProperties: false });
export type ShellLocalConfig = Static<typeof ShellLocalSchema>;
export type ShellLocalInput = Partial<ShellLocalConfig>;

const DEFAULT_EXECUTE_COMMAND = ['/bin/sh', '-c', '{{.Vars}} {{.Script}}'];

/** This machine's OS as Go names it (`process.platform` says `win32` and `sunos`). */
export function goOsName(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'windows' : platform === 'sunos' ? 'solaris' : platform;
}

/** Packer's Prepare checks for shell-local, as problems with field paths. */
export function validateShellLocalConfig(config: ShellLocalInput): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const inline = config.inline ?? [];
  const scripts = config.scripts ?? [];
  const given = [
    config.command ? 'command' : '',
    inline.length > 0 ? 'inline' : '',
    config.script ? 'script' : '',
    scripts.length > 0 ? 'scripts' : '',
  ].filter(Boolean);
  if (given.length === 0) {
    problems.push({ path: '', message: 'Command, Inline, Script and Scripts options cannot all be empty.' });
  } else if (given.length > 1) {
    problems.push({
      path: given[1]!,
      message: `You may only specify one of the following options: Command, Inline, Script or Scripts (got ${given.join(', ')}).`,
    });
  }
  problems.push(
    ...scriptProblems(config.script ? [config.script] : scripts, config.script ? 'script' : 'scripts'),
  );
  (config.only_on ?? []).forEach((os, i) => {
    if (!(SHELL_LOCAL_OS_NAMES as readonly string[]).includes(os)) {
      problems.push({
        path: `only_on[${i}]`,
        message: `Invalid OS specified in only_on: '${os}'. Supported OS names: ${SHELL_LOCAL_OS_NAMES.join(', ')}`,
      });
    }
  });
  problems.push(...environmentProblems(config.environment_vars, config.env));
  return problems;
}

export interface RunShellLocalOptions {
  readonly config: ShellLocalInput;
  readonly ui: Ui;
  readonly generatedData?: Readonly<Record<string, unknown>>;
  readonly common?: Partial<PackerCommon>;
  readonly signal?: AbortSignal;
  /** The OS name `only_on` is checked against; default this machine's. */
  readonly os?: string;
}

/**
 * Packer's `shell-local`: writes `inline` (or `command`) to a temporary script, then runs it
 * (or each of `scripts`) with execute_command — a program and its arguments, no shell in
 * between unless it names one — streaming output to the Ui and checking valid_exit_codes.
 * Cancelling stops the whole process group.
 */
export async function runShellLocal(options: RunShellLocalOptions): Promise<void> {
  const { config, ui, signal } = options;
  const onlyOn = config.only_on ?? [];
  if (onlyOn.length > 0 && !onlyOn.includes(options.os ?? goOsName())) {
    await ui.say('Skipping shell-local due to runtime OS');
    return;
  }
  const inline = config.command ? [config.command] : (config.inline ?? []);
  const scripts = config.script ? [config.script] : (config.scripts ?? []);
  const data = { ...options.generatedData };
  const vars = shellEnvironment({
    ...(options.common?.buildName !== undefined ? { buildName: options.common.buildName } : {}),
    ...(options.common?.builderType !== undefined ? { builderType: options.common.builderType } : {}),
    generatedData: data,
    environmentVars: config.environment_vars ?? [],
    env: config.env ?? {},
  });
  const flattened = flattenEnvironment(vars, config.env_var_format || INLINE_ENV_VAR_FORMAT);
  const context: InterpolationContext = {
    ...(options.common?.buildName ? { buildName: options.common.buildName } : {}),
    ...(options.common?.builderType ? { buildType: options.common.builderType } : {}),
    userVariables: options.common?.userVariables ?? {},
  };
  const executeCommand =
    config.execute_command && config.execute_command.length > 0
      ? config.execute_command
      : DEFAULT_EXECUTE_COMMAND;
  const validExitCodes =
    config.valid_exit_codes && config.valid_exit_codes.length > 0 ? config.valid_exit_codes : [0];

  let tempDir: string | undefined;
  try {
    if (scripts.length === 0 && inline.length > 0) {
      tempDir = await mkdtemp(path.join(tmpdir(), 'packer-shell-'));
      const extension = (config.tempfile_extension ?? '').replace(/^\./, '');
      const file = path.join(tempDir, extension ? `inline.${extension}` : 'inline');
      const shebang = config.inline_shebang ?? '/bin/sh -e';
      const lines = inline.map((line) => `${render(line, { ...context, data })}\n`).join('');
      await writeFile(file, `${shebang ? `#!${shebang}\n` : ''}${lines}`);
      await chmod(file, 0o700);
      scripts.push(file);
    }
    for (const script of scripts) {
      const absolute = path.resolve(script);
      const argv = executeCommand.map((part) =>
        render(part, { ...context, data: { ...data, Vars: flattened, Script: absolute, Command: absolute } }),
      );
      await ui.say(`Running local shell script: ${script}`);
      const status = await runLocal(argv, ui, signal);
      if (!validExitCodes.includes(status)) {
        throw new SdkError(
          'PKR_ERR_SHELL_EXIT_CODE',
          `Script exited with non-zero exit status: ${status}. Allowed exit codes are: [${validExitCodes.join(' ')}]`,
          { details: { script, status, allowed: [...validExitCodes] } },
        );
      }
    }
  } finally {
    if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
  }
}

/**
 * Runs `argv` here, in a process group of its own so cancelling stops everything it started;
 * stdout lines go to `ui.message`, stderr lines to `ui.error`. Resolves with the exit status
 * (128 + the signal number for a process killed by a signal).
 */
export async function runLocal(argv: readonly string[], ui: Ui, signal?: AbortSignal): Promise<number> {
  if (signal?.aborted) throw abortReason(signal);
  const [file, ...args] = argv;
  if (file === undefined || file === '') {
    throw new SdkError('PKR_ERR_SHELL_LOCAL_START', 'execute_command is empty');
  }
  const stdout = createLineWriter((line) => ui.message(line));
  const stderr = createLineWriter((line) => ui.error(line));
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const kill = (): void => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // The group is already gone.
      }
    }
  };
  signal?.addEventListener('abort', kill, { once: true });
  try {
    const status = await new Promise<number>((resolve, reject) => {
      child.once('error', (err) =>
        reject(
          new SdkError('PKR_ERR_SHELL_LOCAL_START', `could not start ${file}: ${err.message}`, {
            cause: err,
            details: { argv: [...argv] },
          }),
        ),
      );
      child.stdout.pipe(stdout, { end: false });
      child.stderr.pipe(stderr, { end: false });
      child.once('close', (code, signalName) =>
        resolve(code ?? 128 + (signalName ? (osConstants.signals[signalName] ?? 0) : 0)),
      );
    });
    if (signal?.aborted) throw abortReason(signal);
    return status;
  } finally {
    signal?.removeEventListener('abort', kill);
    await Promise.all([endAndWait(stdout), endAndWait(stderr)]);
  }
}

export interface StepShellLocalOptions {
  readonly config: ShellLocalInput;
  /** Step name; default "shell-local". */
  readonly name?: string;
}

/** shell-local as a builder's own step, with the build's generated data from the state. */
export function stepShellLocal(options: StepShellLocalOptions): Step {
  return {
    name: options.name ?? 'shell-local',
    async run(state: State, ctx: StepContext): Promise<StepResult> {
      await runShellLocal({
        config: options.config,
        ui: state.require(keys.ui),
        generatedData: provisionHookData(state),
        common: state.get(packerCommonKey) ?? {},
        signal: ctx.signal,
      });
      return 'continue';
    },
  };
}

/** Packer's `shell-local` provisioner as a component (it ignores the communicator). */
export const shellLocalProvisioner = defineProvisioner({
  schema: ShellLocalSchema,
  validate: (config) => validateShellLocalConfig(config),
  provision: ({ config, common, ui, generatedData, signal }) =>
    runShellLocal({ config, common, ui, generatedData, signal }),
});
