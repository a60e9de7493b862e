import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SdkError } from '../errors/index.js';
import { bootCode } from './boot-code.js';
import type { EmbeddedBundle } from './payload.js';

/** The fuse Node's SEA support looks for; postject flips it when it injects the blob. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/**
 * Makes a Node single executable of the bundle at `target`: a copy of this Node binary with a
 * SEA blob injected. Node 20's SEA runs one CommonJS script, while the bundle is ES modules
 * split into chunks, so the blob's main script is the boot code (cli/boot/sea-main.ts) and the
 * bundle's files ride along as SEA assets (Node ≥ 20.12); at start the boot code unpacks them
 * once into the user's cache and imports the entry from there.
 */
export async function createSea(bundle: EmbeddedBundle, target: string): Promise<void> {
  checkSeaSupport();
  const work = mkdtempSync(join(tmpdir(), 'packer-sdk-sea-'));
  const staged = `${target}.tmp-${process.pid}`;
  try {
    writeFileSync(join(work, 'boot.cjs'), await bootCode('sea', bundle.manifest));
    const assets: Record<string, string> = {};
    bundle.manifest.files.forEach((file, i) => {
      const path = join(work, 'assets', file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bundle.contents[i]!);
      assets[file.path] = path;
    });
    const config = {
      main: join(work, 'boot.cjs'),
      output: join(work, 'sea.blob'),
      disableExperimentalSEAWarning: true,
      assets,
    };
    writeFileSync(join(work, 'sea-config.json'), JSON.stringify(config));
    // The blob must come from the very binary it is injected into.
    await run(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], work);

    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(process.execPath, staged);
    chmodSync(staged, 0o755);
    const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
    await run(
      process.execPath,
      [postject, staged, 'NODE_SEA_BLOB', config.output, '--sentinel-fuse', SEA_FUSE],
      work,
    );
    renameSync(staged, target);
  } finally {
    rmSync(staged, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

function checkSeaSupport(): void {
  if (process.platform !== 'linux') {
    throw new SdkError(
      'PKR_ERR_CLI_SEA',
      `single executables are made on Linux only (this is ${process.platform}); macOS and Windows also need code signing steps this CLI does not do`,
    );
  }
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 12) || (major === 21 && minor < 7)) {
    throw new SdkError(
      'PKR_ERR_CLI_SEA',
      `Node.js ${process.versions.node} cannot embed assets in a single executable (needs 20.12, 21.7 or later)`,
    );
  }
}

/** Runs a helper with its output captured; shown only when it fails (postject is chatty on ELF notes). */
function run(command: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    // The helpers are plain Node programs; loaders meant for the CLI's caller must not leak in.
    delete env.NODE_OPTIONS;
    const child = spawn(command, [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', (cause) =>
      reject(new SdkError('PKR_ERR_CLI_SEA', `cannot run ${command}: ${cause.message}`, { cause })),
    );
    child.once('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new SdkError(
            'PKR_ERR_CLI_SEA',
            `${[command, ...args].join(' ')} exited with ${code}:\n${output.trim()}`,
            {
              details: { command, code },
            },
          ),
        );
    });
  });
}
