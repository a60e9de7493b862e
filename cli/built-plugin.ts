import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SdkError } from '../errors/index.js';
import { LAUNCHER_MARKER, SINGLE_FILE_MARKER, type LauncherTarget } from './launcher.js';
import { checkPluginName, parseReleaseFileName } from './release-name.js';

/**
 * What `build` (or `release`) produced:
 * - `launcher`: a shell launcher plus a bundle directory next to it (development builds);
 * - `single-file`: one shell/JavaScript file carrying its bundle (needs Node on the host);
 * - `executable`: a native executable, e.g. a Node single executable (`build --sea`).
 */
export type BuiltKind = 'launcher' | 'single-file' | 'executable';

export interface BuiltPlugin {
  readonly kind: BuiltKind;
  /** The plugin's short name (`hello` for `packer-plugin-hello`). */
  readonly name: string;
  /** Absolute path of the file Packer runs. */
  readonly path: string;
  /** `launcher` only: the bundle directory and its entry file. */
  readonly bundleDir?: string;
  readonly entry?: string;
  /** `executable` only: the platform it runs on, read from its header (GOOS/GOARCH names). */
  readonly platform?: { readonly os: string; readonly arch: string };
}

/**
 * Recognises a built plugin from its first bytes: a marked launcher, a marked single-file
 * launcher, or a native executable (ELF, Mach-O, PE). The name comes from `name`, the marker,
 * or the file name (`packer-plugin-NAME`, also in its release form).
 */
export function readBuiltPlugin(file: string, name?: string): BuiltPlugin {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new SdkError('PKR_ERR_CLI_NOT_BUILT', `${file} is not a file`, { details: { path } });
  }
  const head = readHead(path, 4096);
  const text = head.toString('latin1');
  const launcher = markerJson(text, LAUNCHER_MARKER);
  if (launcher !== undefined) {
    const target = launcherTarget(launcher, path);
    const bundleDir = join(dirname(path), target.bundle);
    if (!existsSync(join(bundleDir, target.entry))) {
      throw new SdkError(
        'PKR_ERR_CLI_NOT_BUILT',
        `launcher ${file} expects its bundle at ${bundleDir}, which is missing; run build again`,
        { details: { path, bundleDir } },
      );
    }
    return {
      kind: 'launcher',
      name: checkPluginName(name ?? target.name),
      path,
      bundleDir,
      entry: target.entry,
    };
  }
  const single = markerJson(text, SINGLE_FILE_MARKER);
  if (single !== undefined) {
    const marked =
      typeof single === 'object' && single !== null && 'name' in single ? single.name : undefined;
    return {
      kind: 'single-file',
      name: checkPluginName(name ?? (typeof marked === 'string' ? marked : nameFromFile(path))),
      path,
    };
  }
  const platform = executablePlatform(head);
  if (platform === undefined) {
    throw new SdkError(
      'PKR_ERR_CLI_NOT_BUILT',
      `${file} is neither a launcher made by packer-plugin-sdk nor a native executable`,
      { details: { path } },
    );
  }
  return { kind: 'executable', name: checkPluginName(name ?? nameFromFile(path)), path, platform };
}

function nameFromFile(path: string): string {
  const file = basename(path);
  const release = parseReleaseFileName(file);
  if (release) return release.name;
  const match = /^packer-plugin-(.+?)(\.exe)?$/.exec(file);
  if (!match) {
    throw new SdkError(
      'PKR_ERR_CLI_NAME',
      `cannot tell the plugin name from "${file}" (expected packer-plugin-NAME); pass --name`,
      { details: { path } },
    );
  }
  return match[1]!;
}

function markerJson(text: string, marker: string): unknown {
  const line = text.split('\n', 4).find((l) => l.startsWith(marker));
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line.slice(marker.length)) as unknown;
  } catch {
    return null;
  }
}

function launcherTarget(value: unknown, path: string): LauncherTarget {
  const v = value as Partial<Record<keyof LauncherTarget, unknown>> | null;
  if (
    v !== null &&
    typeof v.name === 'string' &&
    typeof v.bundle === 'string' &&
    typeof v.entry === 'string' &&
    !v.bundle.includes('..') &&
    !v.entry.includes('..')
  ) {
    return { name: v.name, bundle: v.bundle, entry: v.entry };
  }
  throw new SdkError('PKR_ERR_CLI_NOT_BUILT', `launcher ${path} has a damaged marker line`, {
    details: { path },
  });
}

function readHead(path: string, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    return buf.subarray(0, readSync(fd, buf, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

const ELF_MACHINES: Readonly<Record<number, string>> = {
  0x03: '386',
  0x28: 'arm',
  0x3e: 'amd64',
  0xb7: 'arm64',
  0xf3: 'riscv64',
  0x16: 's390x',
  0x15: 'ppc64le',
};
const MACHO_CPUS: Readonly<Record<number, string>> = { 0x01000007: 'amd64', 0x0100000c: 'arm64' };
const PE_MACHINES: Readonly<Record<number, string>> = { 0x8664: 'amd64', 0xaa64: 'arm64', 0x14c: '386' };

/** GOOS/GOARCH of a native executable from its header, or undefined when it is none. */
export function executablePlatform(head: Buffer): { os: string; arch: string } | undefined {
  if (head.length >= 20 && head.readUInt32BE(0) === 0x7f454c46) {
    const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
    // EI_OSABI: FreeBSD marks its binaries; Linux ones usually say "System V" (0).
    const os = head[7] === 9 ? 'freebsd' : 'linux';
    return { os, arch: ELF_MACHINES[machine] ?? `elf-${machine}` };
  }
  if (head.length >= 8 && (head.readUInt32LE(0) === 0xfeedfacf || head.readUInt32LE(0) === 0xfeedface)) {
    const cpu = head.readUInt32LE(4);
    return { os: 'darwin', arch: MACHO_CPUS[cpu] ?? `macho-${cpu}` };
  }
  if (head.length >= 64 && head.toString('latin1', 0, 2) === 'MZ') {
    const pe = head.readUInt32LE(0x3c);
    if (pe + 6 <= head.length && head.readUInt32BE(pe) === 0x50450000) {
      const machine = head.readUInt16LE(pe + 4);
      return { os: 'windows', arch: PE_MACHINES[machine] ?? `pe-${machine}` };
    }
  }
  return undefined;
}
