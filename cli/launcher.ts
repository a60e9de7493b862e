import { chmodSync, writeFileSync } from 'node:fs';
import { PAYLOAD_END, PAYLOAD_START } from './boot/manifest.js';
import { bootCode } from './boot-code.js';
import type { EmbeddedBundle } from './payload.js';

/** Marks a launcher next to its bundle directory (line 2), with what `release` and `install-legacy` need. */
export const LAUNCHER_MARKER = '# packer-plugin-sdk launcher ';
/** Marks a single-file launcher (line 3). */
export const SINGLE_FILE_MARKER = '// packer-plugin-sdk single-file ';

/** Overrides the Node.js binary launchers run (default: `node` on PATH). */
export const NODE_ENV = 'PACKER_SDK_NODE';

export interface LauncherTarget {
  readonly name: string;
  /** Bundle directory, relative to the launcher's own directory. */
  readonly bundle: string;
  /** Entry file inside the bundle directory. */
  readonly entry: string;
}

/**
 * A POSIX shell launcher that runs the bundle next to it with Node. The bundle is found from
 * the launcher's real location (so the launcher may be symlinked elsewhere), and the name it
 * was started as travels in PACKER_SDK_INVOKED_AS, because `exec node main.js` puts the
 * bundle's path where a `packer-builder-NAME` file's own name would be (rpc/plugin/invocation.ts).
 */
export function launcherScript(target: LauncherTarget): string {
  return [
    '#!/bin/sh',
    `${LAUNCHER_MARKER}${JSON.stringify(target)}`,
    `# Packer plugin "${target.name}": runs ${target.bundle}/${target.entry} with Node.js (${NODE_ENV}, else node on PATH).`,
    'here=$(dirname "$(readlink -f "$0")")',
    `PACKER_SDK_INVOKED_AS="$0" exec "\${${NODE_ENV}:-node}" "$here/${target.bundle}/${target.entry}" "$@"`,
    '',
  ].join('\n');
}

/**
 * One file that is both a shell script and a JavaScript program: the shell runs line 2, which
 * re-executes the same file with Node; JavaScript sees a string and a comment there. The bundle
 * travels base64-encoded in a trailing comment and is unpacked to the user's cache on first
 * start (cli/boot/materialise.ts). Node sees the file itself as argv[1], so a symlink named
 * `packer-builder-NAME` still selects its component without any environment variable.
 */
export async function singleFileLauncher(bundle: EmbeddedBundle): Promise<Buffer> {
  const boot = await bootCode('script', bundle.manifest);
  const head = [
    '#!/bin/sh',
    `":" //; exec "\${${NODE_ENV}:-node}" "$0" "$@"`,
    `${SINGLE_FILE_MARKER}${JSON.stringify({ name: bundle.manifest.name, hash: bundle.manifest.hash })}`,
    boot.trimEnd(),
    '',
  ].join('\n');
  const payload = Buffer.concat(bundle.contents).toString('base64');
  return Buffer.from(`${head}${PAYLOAD_START}${payload}${PAYLOAD_END}\n`, 'utf8');
}

/** Writes a file with the executable bits set. */
export function writeExecutable(path: string, content: string | Uint8Array): void {
  writeFileSync(path, content);
  chmodSync(path, 0o755);
}
