import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { EXIT_STATUS_DISCONNECTED, type Communicator } from '../communicators/communicator.js';
import { shellQuote } from '../communicators/shared/shell-quote.js';
import { defineProvisioner } from '../components/define-provisioner.js';
import { packerCommonKey } from '../components/define-builder.js';
import { formatDurationMs } from '../config/duration.js';
import { render, type InterpolationContext } from '../config/interpolate/index.js';
import type { PackerCommon } from '../config/packer-common.js';
import { systemClock, type Clock } from '../engine/clock.js';
import { keys } from '../engine/keys.js';
import type { State } from '../engine/state.js';
import type { Step, StepContext, StepResult } from '../engine/step.js';
import { describeError, SdkError } from '../errors/index.js';
import type { Ui } from '../packer/ui.js';
import {
  resolveShellConfig,
  ShellProvisionerSchema,
  validateShellConfig,
  type ResolvedShellConfig,
  type ShellProvisionerInput,
} from './shell-config.js';
import { flattenEnvironment, shellEnvironment } from './shell-env.js';
import { createLineWriter, endAndWait } from './shell-output.js';
import { retryStart } from './shell-retry.js';
import { provisionHookData } from './step-provision.js';

export interface RunShellOptions {
  readonly config: ShellProvisionerInput;
  readonly communicator: Communicator;
  readonly ui: Ui;
  /** The build's generated data: `{{ .Host }}` etc. in execute_command, PACKER_HTTP_* variables. */
  readonly generatedData?: Readonly<Record<string, unknown>>;
  /** Build name and type (PACKER_BUILD_NAME, PACKER_BUILDER_TYPE), user variables for templates. */
  readonly common?: Partial<PackerCommon>;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  /** Names the remote files (0 ≤ x < 1); default Math.random. */
  readonly random?: () => number;
}

/** One script to upload: a local file or the inline commands. */
interface ScriptSource {
  readonly label: string;
  open(): Readable;
}

/**
 * Packer's `shell` provisioner: uploads each script (or the inline commands, as a script
 * starting with `#!inline_shebang`) to the machine, runs it with execute_command, streams its
 * output to the Ui line by line (stdout as messages, stderr as errors), checks the exit status
 * against valid_exit_codes and removes it again. Uploading and starting are retried until
 * start_retry_timeout, so a script may follow one that rebooted the machine.
 * @throws `PKR_ERR_SHELL_EXIT_CODE`, `PKR_ERR_SHELL_DISCONNECTED`, `PKR_ERR_SHELL_START`,
 *   `PKR_ERR_SHELL_CLEANUP`, `PKR_ERR_SHELL_SCRIPT`, or `PKR_ERR_CANCELLED`.
 */
export async function runShellProvisioner(options: RunShellOptions): Promise<void> {
  const { communicator, ui, signal } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const config = resolveShellConfig(options.config, random);
  const data = { ...options.generatedData };
  const context: InterpolationContext = {
    ...(options.common?.buildName ? { buildName: options.common.buildName } : {}),
    ...(options.common?.builderType ? { buildType: options.common.builderType } : {}),
    userVariables: options.common?.userVariables ?? {},
  };
  // Inline commands see the generated data too ({{ .Host }}), as in Packer.
  const sources = await scriptSources(config, (line) => render(line, { ...context, data }));
  const retry = <T>(attempt: () => Promise<T>): Promise<T> =>
    retryStart(attempt, {
      timeoutMs: config.startRetryTimeoutMs,
      delayMs: config.startRetryDelayMs,
      clock,
      ...(signal ? { signal } : {}),
    });
  const exec = (command: string): Promise<number> => runWithUi(communicator, command, ui, signal);

  const vars = shellEnvironment({
    ...(options.common?.buildName !== undefined ? { buildName: options.common.buildName } : {}),
    ...(options.common?.builderType !== undefined ? { builderType: options.common.builderType } : {}),
    generatedData: data,
    environmentVars: options.config.environment_vars ?? [],
    env: options.config.env ?? {},
  });
  const flattened = flattenEnvironment(vars, config.envVarFormat);

  let envVarFile = '';
  if (config.useEnvVarFile) {
    const remote = `${config.remoteFolder}/varfile_${Math.floor(random() * 9999)}.sh`;
    await retry(async () => {
      await communicator.upload(remote, Readable.from([Buffer.from(flattened)]), undefined, { signal });
      await exec(`chmod 0600 ${shellQuote(remote)}`);
    }).catch((err: unknown) => {
      throw startError(err, `uploading the variables file ${remote}`);
    });
    envVarFile = remote;
  }

  for (const source of sources) {
    await ui.say(`Provisioning with shell script: ${source.label}`);
    const command = render(config.executeCommand, {
      ...context,
      data: { ...data, Vars: flattened, EnvVarFile: envVarFile, Path: config.remotePath },
    });
    // Upload, chmod and start as one retried unit: after a reboot the upload may be gone.
    const status = await retry(async () => {
      const stream = source.open();
      await communicator.upload(
        config.remotePath,
        config.binary ? stream : stream.pipe(crlfToLf()),
        undefined,
        {
          signal,
        },
      );
      await exec(`chmod 0755 ${shellQuote(config.remotePath)}`);
      return exec(command);
    }).catch((err: unknown) => {
      throw startError(err, `running ${source.label}`);
    });
    try {
      checkStatus(status, config, source.label);
    } catch (err) {
      // Packer leaves a failed script, and the variables file with its secrets, on the machine.
      // The machine just answered, so one unretried `rm` is cheap; skip_clean keeps them to debug.
      if (!config.skipClean && status !== EXIT_STATUS_DISCONNECTED) {
        await removeOnce([config.remotePath, envVarFile], exec);
      }
      throw err;
    }
    if (!config.skipClean) await removeRemote(config.remotePath, exec, retry);
  }
  if (!config.skipClean && envVarFile !== '') await removeRemote(envVarFile, exec, retry);

  if (config.pauseAfterMs > 0) {
    await ui.say(`Pausing ${formatDurationMs(config.pauseAfterMs)} after this provisioner...`);
    await clock.sleep(config.pauseAfterMs, signal);
  }
}

async function scriptSources(
  config: ResolvedShellConfig,
  renderLine: (line: string) => string,
): Promise<ScriptSource[]> {
  if (config.inline) {
    const text = `#!${config.inlineShebang}\n${config.inline.map((line) => `${renderLine(line)}\n`).join('')}`;
    return [{ label: 'inline script', open: () => Readable.from([Buffer.from(text)]) }];
  }
  for (const path of config.scripts) {
    await access(path).catch((err: unknown) => {
      throw new SdkError(
        'PKR_ERR_SHELL_SCRIPT',
        `Error opening shell script ${path}: ${describeError(err)}`,
        {
          cause: err,
          details: { path },
        },
      );
    });
  }
  return config.scripts.map((path) => ({ label: path, open: () => createReadStream(path) }));
}

/**
 * Runs one command and streams its output to the Ui as Packer does (stdout lines as
 * messages, stderr lines as errors). Resolves with the exit status once all of it was shown.
 */
export async function runWithUi(
  communicator: Communicator,
  command: string,
  ui: Ui,
  signal?: AbortSignal,
): Promise<number> {
  const stdout = createLineWriter((line) => ui.message(line));
  const stderr = createLineWriter((line) => ui.error(line));
  try {
    const started = await communicator.start({ command, stdout, stderr }, signal ? { signal } : {});
    return await started.exited;
  } finally {
    await Promise.all([endAndWait(stdout), endAndWait(stderr)]);
  }
}

function checkStatus(status: number, config: ResolvedShellConfig, label: string): void {
  // Packer's own message offers valid_exit_codes as the alternative, so a listed disconnect is
  // accepted too (Packer 1.6.6 still rejects it).
  if (status === EXIT_STATUS_DISCONNECTED) {
    if (config.expectDisconnect || config.validExitCodes.includes(status)) return;
    throw new SdkError(
      'PKR_ERR_SHELL_DISCONNECTED',
      'Script disconnected unexpectedly. If you expected your script to disconnect, i.e. from a restart, ' +
        'you can try adding `"expect_disconnect": true` or `"valid_exit_codes": [0, 2300218]` to the shell provisioner parameters.',
      { details: { script: label, status } },
    );
  }
  if (!config.validExitCodes.includes(status)) {
    throw new SdkError(
      'PKR_ERR_SHELL_EXIT_CODE',
      `Script exited with non-zero exit status: ${status}. Allowed exit codes are: [${config.validExitCodes.join(' ')}]`,
      { details: { script: label, status, allowed: [...config.validExitCodes] } },
    );
  }
}

/** One best-effort `rm -f` after a failed script; its own failure must not hide the script's. */
async function removeOnce(
  paths: readonly string[],
  exec: (command: string) => Promise<number>,
): Promise<void> {
  const targets = paths.filter((p) => p !== '').map(shellQuote);
  await exec(`rm -f ${targets.join(' ')}`).catch(() => undefined);
}

/** `rm -f`, retried like a start: after a reboot the machine needs time to come back. */
async function removeRemote(
  path: string,
  exec: (command: string) => Promise<number>,
  retry: <T>(attempt: () => Promise<T>) => Promise<T>,
): Promise<void> {
  await retry(async () => {
    const status = await exec(`rm -f ${shellQuote(path)}`);
    if (status === EXIT_STATUS_DISCONNECTED) throw new Error('Disconnect while removing temporary script.');
    if (status !== 0) throw new Error(`rm -f exited with ${status}`);
  }).catch((err: unknown) => {
    if (err instanceof SdkError && err.code === 'PKR_ERR_CANCELLED') throw err;
    throw new SdkError(
      'PKR_ERR_SHELL_CLEANUP',
      `Error removing temporary script at ${path}: ${describeError(err)}`,
      {
        cause: err,
        details: { path },
      },
    );
  });
}

function startError(err: unknown, what: string): unknown {
  if (err instanceof SdkError && err.code === 'PKR_ERR_CANCELLED') return err;
  return new SdkError('PKR_ERR_SHELL_START', `${what} failed: ${describeError(err)}`, { cause: err });
}

/** Packer's UnixReader: CRLF line endings become LF (a CR at a chunk's end waits for the next chunk). */
export function crlfToLf(): Transform {
  let carry = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      let buf = carry ? Buffer.concat([Buffer.from('\r'), chunk]) : chunk;
      carry = buf.length > 0 && buf[buf.length - 1] === 0x0d;
      if (carry) buf = buf.subarray(0, buf.length - 1);
      callback(null, Buffer.from(buf.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'));
    },
    flush(callback) {
      callback(null, carry ? Buffer.from('\r') : undefined);
    },
  });
}

export interface StepShellProvisionOptions {
  readonly config: ShellProvisionerInput;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Step name; default "shell-provision". */
  readonly name?: string;
}

/**
 * The shell provisioner as a builder's own step: runs through the state's communicator
 * (`keys.communicator`), with the build's generated data (as `stepProvision` computes it) and
 * the build name and type from Prepare.
 */
export function stepShellProvision(options: StepShellProvisionOptions): Step {
  return {
    name: options.name ?? 'shell-provision',
    async run(state: State, ctx: StepContext): Promise<StepResult> {
      await runShellProvisioner({
        config: options.config,
        communicator: state.require(keys.communicator),
        ui: state.require(keys.ui),
        generatedData: provisionHookData(state),
        common: state.get(packerCommonKey) ?? {},
        signal: ctx.signal,
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.random ? { random: options.random } : {}),
      });
      return 'continue';
    },
  };
}

/**
 * Packer's `shell` provisioner as a component: register it in a plugin with
 * `.register('provisioner', 'shell', shellProvisioner)`.
 */
export const shellProvisioner = defineProvisioner({
  schema: ShellProvisionerSchema,
  validate: (config) => validateShellConfig(config),
  provision: ({ config, common, ui, communicator, generatedData, signal }) =>
    runShellProvisioner({ config, common, ui, communicator, generatedData, signal }),
});
