import { spawn, type ChildProcess } from 'node:child_process';

export interface PackerRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface PackerOptions {
  cwd: string;
  pluginPath: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Called with the child as soon as it runs (e.g. to send SIGINT mid-build). */
  onStart?: (child: ChildProcess) => void;
}

/** Runs the real `packer` binary with our plugin directory, checkpoint disabled. */
export function runPacker(args: readonly string[], options: PackerOptions): Promise<PackerRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('packer', [...args], {
      cwd: options.cwd,
      env: {
        ...process.env,
        CHECKPOINT_DISABLE: '1',
        PACKER_PLUGIN_PATH: options.pluginPath,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      reject(new Error(`packer ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    options.onStart?.(child);
  });
}

/** The `ui` lines of `-machine-readable` output: [target, type, ...data]. */
export function machineLines(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) =>
      l
        .split(',')
        .slice(1)
        .map((f) => f.replace(/%!\(PACKER_COMMA\)/g, ',').replace(/\\n/g, '\n')),
    );
}
