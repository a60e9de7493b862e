import type { Readable } from 'node:stream';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { SdkError } from '../errors/index.js';
import { NODE_ENV } from '../cli/launcher.js';
import {
  parseMachineReadable,
  type ArtifactLine,
  type BuildError,
  type MachineReadable,
  type UiLine,
} from './machine-readable.js';

export interface RunPackerOptions {
  /** Working directory (templates resolve relative paths against it). */
  readonly cwd: string;
  /** PACKER_PLUGIN_PATH. */
  readonly pluginPath?: string;
  /** The packer binary. Default `packer` on PATH. */
  readonly packer?: string;
  /** Extra environment; CHECKPOINT_DISABLE=1 is always set. */
  readonly env?: Readonly<Record<string, string>>;
  /** Write PACKER_LOG=1 output to this file (plugin stderr included). */
  readonly logFile?: string;
  /** Kill packer (and its plugins) after this long. Default 10 minutes. */
  readonly timeoutMs?: number;
  /**
   * Called with packer's process as soon as it runs, e.g. to press Ctrl-C mid-build the way a
   * terminal does: `process.kill(-child.pid, 'SIGINT')` (packer runs in its own process group).
   */
  readonly onStart?: (child: ChildProcessByStdio<null, Readable, Readable>) => void;
}

/** A finished packer run, its output parsed when it was machine-readable. */
export interface PackerRun {
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout then stderr: handy as an assertion message. */
  readonly output: string;
  readonly cwd: string;
  readonly logFile: string | undefined;
  readonly machine: MachineReadable;
  /** Shortcuts into `machine`. */
  readonly artifacts: readonly ArtifactLine[];
  readonly errors: readonly BuildError[];
  readonly ui: readonly UiLine[];
}

/**
 * Runs the real `packer` with `args` as given (add `-machine-readable` to get `machine`
 * filled). Packer runs in its own process group, so a timeout kills its plugins too; launchers
 * run the Node that runs this process (PACKER_SDK_NODE), whatever PATH says.
 */
export function runPacker(args: readonly string[], options: RunPackerOptions): Promise<PackerRun> {
  const packer = options.packer ?? 'packer';
  return new Promise((resolve, reject) => {
    const child = spawn(packer, [...args], {
      cwd: options.cwd,
      env: {
        ...process.env,
        CHECKPOINT_DISABLE: '1',
        [NODE_ENV]: process.execPath,
        ...(options.pluginPath !== undefined ? { PACKER_PLUGIN_PATH: options.pluginPath } : {}),
        ...(options.logFile !== undefined ? { PACKER_LOG: '1', PACKER_LOG_PATH: options.logFile } : {}),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timeoutMs = options.timeoutMs ?? 600_000;
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      reject(
        new SdkError(
          'PKR_ERR_ACC_PACKER',
          `${packer} ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}${stderr}`,
          {
            details: { args, timeoutMs },
          },
        ),
      );
    }, timeoutMs);
    child.once('error', (cause) => {
      clearTimeout(timer);
      reject(new SdkError('PKR_ERR_ACC_PACKER', `cannot run ${packer}: ${cause.message}`, { cause }));
    });
    options.onStart?.(child);
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      const machine = parseMachineReadable(stdout);
      resolve({
        args,
        exitCode,
        signal,
        stdout,
        stderr,
        output: `${stdout}${stderr}`,
        cwd: options.cwd,
        logFile: options.logFile,
        machine,
        artifacts: machine.artifacts,
        errors: machine.errors,
        ui: machine.ui,
      });
    });
  });
}
