import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SdkError } from '../errors/index.js';
import { API_VERSION } from '../rpc/plugin/constants.js';
import type { CommandSpec } from './args.js';
import { readBuiltPlugin } from './built-plugin.js';
import { describePlugin, type PluginDescription } from './describe-plugin.js';
import { singleFileLauncher, writeExecutable } from './launcher.js';
import { readBundleDir } from './payload.js';
import {
  checksumsFileName,
  goArch,
  goOs,
  normaliseVersion,
  releaseFileName,
  sha256Sum,
} from './release-name.js';
import { createZip } from './zip.js';

export interface ReleaseOptions {
  /** The built plugin (`packer-plugin-NAME` from `build`). */
  readonly plugin: string;
  /** X.Y.Z or X.Y.Z-dev (a leading v is accepted); must equal what the plugin's describe says. */
  readonly version: string;
  /** GOOS / GOARCH of the artifact. Default: the executable's own platform, else this machine's. */
  readonly os?: string;
  readonly arch?: string;
  /** Output directory. Default: `release/` next to the built plugin. */
  readonly out?: string;
  readonly name?: string;
  /** Also write a zip and the `_SHA256SUMS` file the Go release tooling publishes. */
  readonly zip?: boolean;
  /** Archive timestamps (default: SOURCE_DATE_EPOCH when set, else now). */
  readonly mtime?: Date;
  readonly env?: NodeJS.ProcessEnv;
}

export interface ReleaseResult {
  /** `OUT/packer-plugin-NAME_vX.Y.Z_x5.0_OS_ARCH`. */
  readonly artifact: string;
  /** `<artifact>_SHA256SUM`. */
  readonly checksum: string;
  readonly zip?: string;
  readonly checksums?: string;
  readonly description: PluginDescription;
}

export const releaseCommand: CommandSpec = {
  name: 'release',
  brief: 'write packer-plugin-NAME_vX.Y.Z_x5.0_OS_ARCH and its _SHA256SUM (Packer ≥ 1.7)',
  summary:
    'Write the release artifact packer-plugin-NAME_vX.Y.Z_x5.0_OS_ARCH and its _SHA256SUM, as Packer ≥ 1.7 installs them; refuses a version the plugin does not report.',
  positionals: ['plugin'],
  flags: {
    version: { type: 'string', value: 'X.Y.Z', help: 'release version (required; must match describe)' },
    os: { type: 'string', value: 'GOOS', help: 'target OS (default: this machine or the executable)' },
    arch: { type: 'string', value: 'GOARCH', help: 'target architecture (default: likewise)' },
    out: { type: 'string', value: 'DIR', help: 'output directory (default: release/ next to the plugin)' },
    name: { type: 'string', value: 'NAME', help: 'plugin name (default: from the built file)' },
    zip: { type: 'boolean', help: 'also write NAME…_OS_ARCH.zip and packer-plugin-NAME_vX.Y.Z_SHA256SUMS' },
  },
};

/**
 * Turns a build into a release artifact. A launcher build becomes a single-file launcher (one
 * file carrying its bundle), because Packer ≥ 1.7 installs exactly one file per plugin; single
 * files and executables are copied. The artifact's own `describe` is run and must report the
 * release version and API x5.0, as Packer checks both against the file name.
 */
export async function releasePlugin(options: ReleaseOptions): Promise<ReleaseResult> {
  const built = readBuiltPlugin(options.plugin, options.name);
  const version = normaliseVersion(options.version);
  const os = goName('os', options.os ?? built.platform?.os ?? goOs());
  const arch = goName('arch', options.arch ?? built.platform?.arch ?? goArch());
  if (built.platform && (built.platform.os !== os || built.platform.arch !== arch)) {
    throw new SdkError(
      'PKR_ERR_CLI_PLATFORM',
      `${built.path} is an executable for ${built.platform.os}/${built.platform.arch}, not ${os}/${arch}`,
      { details: { built: built.platform, os, arch } },
    );
  }
  if (!built.platform && os === 'windows') {
    throw new SdkError(
      'PKR_ERR_CLI_PLATFORM',
      'launchers are POSIX shell scripts and cannot run on Windows',
      {
        details: { os },
      },
    );
  }

  const out = resolve(options.out ?? join(dirname(built.path), 'release'));
  mkdirSync(out, { recursive: true });
  const fileName = releaseFileName({ name: built.name, version, os, arch });
  const artifact = join(out, fileName);
  const staged = join(out, `.${fileName}.tmp`);
  let content: Buffer;
  if (built.kind === 'launcher') {
    content = await singleFileLauncher(readBundleDir(built.bundleDir!, built.name, built.entry!));
  } else content = readFileSync(built.path);

  let description: PluginDescription;
  try {
    writeExecutable(staged, content);
    description = await describePlugin(staged, { env: options.env ?? process.env });
    if (description.version !== version) {
      throw new SdkError(
        'PKR_ERR_CLI_VERSION_MISMATCH',
        `the plugin reports version ${description.version}, not ${version}; Packer refuses a file whose name and describe disagree`,
        { details: { reported: description.version, requested: version } },
      );
    }
    if (description.api_version !== API_VERSION) {
      throw new SdkError(
        'PKR_ERR_CLI_DESCRIBE',
        `the plugin reports API ${description.api_version}, but the file name says ${API_VERSION}`,
        { details: { reported: description.api_version } },
      );
    }
    renameSync(staged, artifact);
  } finally {
    rmSync(staged, { force: true });
  }
  const checksum = `${artifact}_SHA256SUM`;
  writeFileSync(checksum, sha256Sum(content));
  if (!options.zip) return { artifact, checksum, description };

  const zipName = `${fileName.replace(/\.exe$/, '')}.zip`;
  const zip = join(out, zipName);
  const archive = createZip([{ name: fileName, data: content, mode: 0o755 }], {
    mtime: options.mtime ?? sourceDateEpoch(options.env ?? process.env) ?? new Date(),
  });
  writeFileSync(zip, archive);
  const checksums = join(out, checksumsFileName(built.name, version));
  writeFileSync(checksums, mergeChecksums(checksums, zipName, sha256Sum(archive)));
  return { artifact, checksum, zip, checksums, description };
}

/** Adds or replaces one archive's line, so releasing each OS/arch into one directory builds the full list. */
function mergeChecksums(path: string, file: string, sum: string): string {
  const lines = existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.endsWith(`  ${file}`))
    : [];
  lines.push(`${sum}  ${file}`);
  return `${lines.sort((a, b) => a.slice(66).localeCompare(b.slice(66))).join('\n')}\n`;
}

/** GOOS/GOARCH values are lower-case words (`linux`, `amd64`); Packer parses file names on `_`. */
function goName(what: 'os' | 'arch', value: string): string {
  if (!/^[a-z0-9]+$/.test(value)) {
    throw new SdkError(
      'PKR_ERR_CLI_USAGE',
      `--${what} "${value}" is not a Go ${what === 'os' ? 'GOOS' : 'GOARCH'} name such as ${what === 'os' ? 'linux' : 'amd64'}`,
      {
        details: { [what]: value },
      },
    );
  }
  return value;
}

function sourceDateEpoch(env: NodeJS.ProcessEnv): Date | undefined {
  const seconds = Number.parseInt(env.SOURCE_DATE_EPOCH ?? '', 10);
  return Number.isFinite(seconds) ? new Date(seconds * 1000) : undefined;
}
