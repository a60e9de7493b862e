import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { runPacker as runPackerWithKit } from '../../acctest/index.js';

export interface PackerRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface PackerOptions {
  cwd: string;
  pluginPath: string;
  env?: Readonly<Record<string, string>>;
  timeoutMs?: number;
  /** Called with the child as soon as it runs (e.g. to send SIGINT mid-build). */
  onStart?: (child: ChildProcessByStdio<null, Readable, Readable>) => void;
}

/**
 * Runs the real `packer` with our plugin directory: the acceptance kit's runner (own process
 * group, checkpoint disabled, killed with its plugins after the timeout), in the shape the
 * specs read.
 */
export async function runPacker(args: readonly string[], options: PackerOptions): Promise<PackerRun> {
  const run = await runPackerWithKit(args, {
    cwd: options.cwd,
    pluginPath: options.pluginPath,
    timeoutMs: options.timeoutMs ?? 120_000,
    ...(options.env ? { env: options.env } : {}),
    ...(options.onStart ? { onStart: options.onStart } : {}),
  });
  return { code: run.exitCode, signal: run.signal, stdout: run.stdout, stderr: run.stderr };
}
