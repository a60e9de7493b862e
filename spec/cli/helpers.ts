import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../rpc/plugin/constants.js';

/** A file under spec/cli/fixtures/. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

/** A file under examples/. */
export function example(relative: string): string {
  return fileURLToPath(new URL(`../../examples/${relative}`, import.meta.url));
}

/** A file of this repository (e.g. an SDK module a temporary entry imports by absolute path). */
export function repoFile(relative: string): string {
  return fileURLToPath(new URL(`../../${relative}`, import.meta.url));
}

/** A fresh temporary directory, removed when the spec process exits. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pps-cli-${prefix}-`));
  if (scratch.size === 0) {
    process.once('exit', () => {
      for (const d of scratch) rmSync(d, { recursive: true, force: true });
    });
  }
  scratch.add(dir);
  return dir;
}

const scratch = new Set<string>();

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program and collects its output (never rejects on a non-zero exit). */
export function run(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      file,
      [...args],
      { env: { ...process.env, ...env }, ...(cwd ? { cwd } : {}), maxBuffer: 16 << 20, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Starts a plugin the way Packer 1.6 starts a single-component file (no arguments, the magic
 * cookie set) and returns its first stdout line: a handshake when the file's name resolved to a
 * component, or '' with the plugin's complaint in stderr.
 */
export function firstLine(
  file: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<{ line: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, [...args], {
      // Killed before anyone dials it, the plugin cannot remove its socket directory: keep it in scratch.
      env: {
        ...process.env,
        [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
        PACKER_SDK_HANDSHAKE: 'legacy',
        TMPDIR: scratchDir('first-line'),
        ...env,
      },
      timeout: 60_000,
    });
    let out = '';
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) child.kill('SIGKILL');
    });
    child.once('close', () => resolve({ line: out.split('\n')[0] ?? '', stderr }));
  });
}

/** The CLI's own entry, run from source through tsx (as `npx packer-plugin-sdk` would run dist). */
export const CLI = fileURLToPath(new URL('../../cli/bin.ts', import.meta.url));

/** tsx's loader as a URL, so the CLI can run from any working directory. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Runs the real CLI in a child process. */
export function runCli(args: readonly string[], cwd?: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return run(process.execPath, ['--import', TSX, CLI, ...args], env, cwd);
}
