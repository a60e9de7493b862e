import type { Stats } from 'node:fs';
import type { BootManifest } from './manifest.js';
import { CACHE_DIR_ENV } from './manifest.js';

// Boot code is bundled as a plain script that must run both as CommonJS (a single executable's
// main) and as an ES module (a single-file launcher inside a `"type": "module"` package), so it
// reaches Node's built-ins through import() only: no require, no import.meta, no static imports
// (type-only imports vanish when bundled).

/**
 * Makes the embedded bundle available as files and returns their directory. The directory is
 * named after the bundle's hash, so a plugin unpacks once per version and every later start
 * (Packer starts one process per component use) only checks that it exists.
 *
 * Unpacking goes to a fresh temporary directory that is renamed into place: concurrent starts
 * race harmlessly, and a start killed half-way (Packer ends plugins with SIGKILL) never leaves a
 * partial bundle under the final name.
 */
export async function materialise(
  manifest: BootManifest,
  readFiles: () => Promise<readonly Uint8Array[]>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const root = await cacheRoot(env);
  const dir = path.join(root, `${manifest.name}-${manifest.hash.slice(0, 24)}`);
  if (fs.existsSync(path.join(dir, manifest.entry))) return dir;

  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  checkOwnership(fs.lstatSync(root), root);
  const staging = fs.mkdtempSync(path.join(root, `.${manifest.name}-`));
  try {
    const contents = await readFiles();
    manifest.files.forEach((file, i) => {
      const data = contents[i];
      if (data === undefined || data.length !== file.size) {
        throw new Error(`embedded bundle is damaged: ${file.path} has the wrong size`);
      }
      const target = path.join(staging, file.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, data);
    });
    fs.writeFileSync(path.join(staging, 'package.json'), '{"type":"module"}\n');
    try {
      fs.renameSync(staging, dir);
    } catch (err) {
      // Another start of the same plugin won the race: use its copy.
      if (!fs.existsSync(path.join(dir, manifest.entry))) throw err;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

/**
 * `PACKER_SDK_CACHE_DIR`, else `$XDG_CACHE_HOME/packer-plugin-sdk`, else
 * `~/.cache/packer-plugin-sdk`, else a per-user directory in the temp dir.
 */
export async function cacheRoot(env: NodeJS.ProcessEnv): Promise<string> {
  const path = await import('node:path');
  const os = await import('node:os');
  const explicit = env[CACHE_DIR_ENV];
  if (explicit) return path.resolve(explicit);
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'packer-plugin-sdk');
  const home = env.HOME ?? os.homedir();
  if (home) return path.join(home, '.cache', 'packer-plugin-sdk');
  return path.join(os.tmpdir(), `packer-plugin-sdk-${process.getuid?.() ?? 'user'}`);
}

/** Code runs from this directory: refuse one someone else could have planted files in. */
function checkOwnership(stat: Stats, root: string): void {
  const uid = process.getuid?.();
  if (stat.isSymbolicLink() || !stat.isDirectory()) {
    throw new Error(`plugin cache ${root} is not a directory`);
  }
  if (uid !== undefined && stat.uid !== uid) {
    throw new Error(`plugin cache ${root} belongs to another user (uid ${stat.uid}); set ${CACHE_DIR_ENV}`);
  }
  if ((stat.mode & 0o022) !== 0) {
    throw new Error(`plugin cache ${root} is writable by others; chmod go-w it or set ${CACHE_DIR_ENV}`);
  }
}

/** Imports the unpacked entry; a failure is reported like Node reports an uncaught error. */
export async function startEntry(dir: string, entry: string): Promise<void> {
  const path = await import('node:path');
  const url = await import('node:url');
  try {
    await import(url.pathToFileURL(path.join(dir, entry)).href);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}

/** Reports a boot failure on stderr (Packer logs it) and fails the process. */
export function bootFailed(err: unknown): void {
  process.stderr.write(
    `packer plugin could not start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exitCode = 1;
}
