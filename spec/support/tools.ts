import { spawnSync } from 'node:child_process';

/** True when `command` resolves on PATH (or is an executable path). */
export function hasTool(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v "$1" >/dev/null 2>&1`, 'sh', command]).status === 0;
}

/**
 * Makes sure a system tool the spec drives for real is there: installs its Debian package
 * when running as root and it is missing, otherwise skips the suite with the reason printed.
 */
export function requireTool(ctx: Mocha.Context, command: string, debianPackage: string): void {
  if (hasTool(command)) return;
  if (process.getuid?.() === 0) {
    const install = (): void => {
      spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', debianPackage], {
        stdio: 'ignore',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    };
    install();
    if (hasTool(command)) return;
    // A fresh machine's package index may be missing or stale: refresh once and retry.
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    install();
    if (hasTool(command)) return;
  }
  const reason = `skipped: "${command}" is not installed (Debian package ${debianPackage}; run \`make test\` as root to install it)`;
  console.log(`      ${reason}`);
  ctx.skip();
}
