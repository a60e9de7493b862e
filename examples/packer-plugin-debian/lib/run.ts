import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Ui } from 'packer-plugin-sdk';

export interface RunOptions {
  signal?: AbortSignal;
  /** Where each output line goes; default nowhere. */
  onLine?: (line: string) => Promise<void> | void;
  cwd?: string;
}

/**
 * Runs a host command, streaming its output line by line, and resolves with its stdout.
 * Fails with the exit status and the last lines of output; the abort signal kills it.
 */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      signal: options.signal,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const tail: string[] = [];
    const pending: Promise<void>[] = [];
    const onLine = (line: string): void => {
      tail.push(line);
      if (tail.length > 20) tail.shift();
      const r = options.onLine?.(line);
      if (r) pending.push(r);
    };
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    child.once('error', (err) =>
      reject(new Error(`${command} could not run: ${err.message}`, { cause: err })),
    );
    child.once('close', (code, signal) => {
      void Promise.all(pending).then(() => {
        if (code === 0) resolve(stdout);
        else
          reject(
            new Error(
              `${[command, ...args].join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail.join('\n')}`,
            ),
          );
      });
    });
  });
}

/** Output lines as indented Ui messages, like Packer prints remote command output. */
export const toUi =
  (ui: Ui) =>
  (line: string): Promise<void> =>
    ui.message(line);
