import { spawnSync } from 'node:child_process';

/** Acceptance tests run only when this is set (the Go SDK's `acctest.TestEnvVar`). */
export const ACC_ENV = 'PACKER_ACC';

/**
 * Why acceptance tests must be skipped, or undefined when they may run. Like the Go SDK any
 * non-empty value enables them, except `0` and `false`, which read as "off".
 */
export function accSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[ACC_ENV];
  if (value === undefined || value === '' || value === '0' || value.toLowerCase() === 'false') {
    return `acceptance tests run only with ${ACC_ENV}=1`;
  }
  return undefined;
}

/** True when `command` resolves on PATH (or is an executable path). */
export function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1" >/dev/null 2>&1', 'sh', command]).status === 0;
}

/**
 * Makes sure `packer` can run: when it is missing and this process is root on a Debian-like
 * system, installs the distribution's `packer` package (the way this repository's system specs
 * get their tools); otherwise returns why the acceptance tests cannot run.
 */
export function packerSkipReason(packer = 'packer', options: { install?: boolean } = {}): string | undefined {
  if (hasCommand(packer)) return undefined;
  if ((options.install ?? true) && packer === 'packer' && process.getuid?.() === 0 && hasCommand('apt-get')) {
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'packer'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (hasCommand(packer)) return undefined;
  }
  return `"${packer}" is not installed (put Packer on PATH; as root on Debian the kit installs the packer package)`;
}
