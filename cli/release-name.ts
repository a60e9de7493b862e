import { createHash } from 'node:crypto';
import { SdkError } from '../errors/index.js';
import { API_VERSION } from '../rpc/plugin/constants.js';

/** Node's platform names → Go's GOOS, which Packer puts in installed file names (protocol §1.5). */
const GO_OS: Readonly<Record<string, string>> = {
  linux: 'linux',
  darwin: 'darwin',
  win32: 'windows',
  freebsd: 'freebsd',
  openbsd: 'openbsd',
  netbsd: 'netbsd',
  sunos: 'solaris',
  aix: 'aix',
};

/** Node's arch names → Go's GOARCH. */
const GO_ARCH: Readonly<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  ia32: '386',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
};

/** GOOS of a Node platform (default: this machine's). */
export function goOs(platform: string = process.platform): string {
  return GO_OS[platform] ?? platform;
}

/** GOARCH of a Node arch (default: this machine's). */
export function goArch(arch: string = process.arch): string {
  return GO_ARCH[arch] ?? arch;
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Checks a plugin's short name (`hello` for `packer-plugin-hello`). Modern Packer takes the
 * name as everything up to the first `_` of the file name, and legacy Packer builds component
 * names `NAME-COMPONENT` from it, so lower-case letters, digits and dashes keep both happy.
 */
export function checkPluginName(name: string): string {
  if (!NAME.test(name)) {
    throw new SdkError(
      'PKR_ERR_CLI_NAME',
      `plugin name "${name}" must be lower-case letters, digits and dashes (it becomes packer-plugin-${name})`,
      { details: { name } },
    );
  }
  return name;
}

/**
 * A release version as Packer wants it in file names: `1.2.3` or `1.2.3-dev`, numbers without
 * leading zeros. A leading `v` is accepted and dropped; Packer drops `+metadata` as well.
 */
export function normaliseVersion(version: string): string {
  const match = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-dev)?(\+[0-9A-Za-z.-]+)?$/.exec(version);
  if (!match) {
    throw new SdkError(
      'PKR_ERR_CLI_USAGE',
      `version "${version}" is not X.Y.Z or X.Y.Z-dev (Packer accepts no other pre-release and no leading zeros)`,
      { details: { version } },
    );
  }
  return `${match[1]}.${match[2]}.${match[3]}${match[4] ?? ''}`;
}

export interface ReleaseTarget {
  readonly name: string;
  readonly version: string;
  /** GOOS, e.g. `linux`. */
  readonly os: string;
  /** GOARCH, e.g. `amd64`. */
  readonly arch: string;
}

/** `packer-plugin-NAME_vX.Y.Z_x5.0_OS_ARCH` (`.exe` on Windows), the name Packer ≥ 1.7 installs. */
export function releaseFileName(target: ReleaseTarget): string {
  checkPluginName(target.name);
  const version = normaliseVersion(target.version);
  const exe = target.os === 'windows' ? '.exe' : '';
  return `packer-plugin-${target.name}_v${version}_${API_VERSION}_${target.os}_${target.arch}${exe}`;
}

/** Parses a name made by releaseFileName, or returns undefined. */
export function parseReleaseFileName(file: string): (ReleaseTarget & { apiVersion: string }) | undefined {
  const match = /^packer-plugin-([^_]+)_v([^_]+)_(x\d+\.\d+)_([a-z0-9]+)_([a-z0-9]+?)(\.exe)?$/.exec(file);
  if (!match) return undefined;
  return { name: match[1]!, version: match[2]!, apiVersion: match[3]!, os: match[4]!, arch: match[5]! };
}

/** The `<file>_SHA256SUM` content Packer checks: lower-case hex, no file name, no newline. */
export function sha256Sum(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The checksum file of a release's archives, named like the Go release tooling's. */
export function checksumsFileName(name: string, version: string): string {
  return `packer-plugin-${checkPluginName(name)}_v${normaliseVersion(version)}_SHA256SUMS`;
}
