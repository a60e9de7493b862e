import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
export { bundlePluginEntry as bundleEntry } from '../cli/bundle.js';

/** Writes an executable launcher for a bundled plugin. */
export function writeLauncher(dir: string, name: string, bundle: string): void {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\nPACKER_SDK_INVOKED_AS="$0" exec "${process.execPath}" "${bundle}" "$@"\n`);
  chmodSync(path, 0o755);
}

/** Runs `packer <args>` and resolves with its wall time in ms; rejects on a non-zero exit. */
export function timePacker(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('packer', args, {
      cwd,
      env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('close', (code) =>
      code === 0
        ? resolve(performance.now() - start)
        : reject(new Error(`packer ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });
}
