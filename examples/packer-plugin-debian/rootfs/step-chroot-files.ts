import { copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Step } from 'packer-plugin-sdk';
import { rootDir } from './state.js';

/**
 * Makes the chroot usable for provisioning — the host's resolv.conf for DNS, and a
 * policy-rc.d that stops package scripts from starting services — and puts things back in
 * cleanup, so neither ends up in the image.
 */
export const stepChrootFiles: Step = {
  name: 'chroot-files',
  async run(state) {
    const root = state.require(rootDir);
    const resolv = join(root, 'etc/resolv.conf');
    const saved = await readFile(resolv).catch(() => undefined);
    if (saved !== undefined) await writeFile(`${resolv}.pps-saved`, saved);
    await rm(resolv, { force: true });
    await copyFile('/etc/resolv.conf', resolv).catch(() => undefined);
    await writeFile(join(root, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    return 'continue';
  },
  async cleanup(state) {
    const root = state.require(rootDir);
    const resolv = join(root, 'etc/resolv.conf');
    await rm(join(root, 'usr/sbin/policy-rc.d'), { force: true });
    const saved = await readFile(`${resolv}.pps-saved`).catch(() => undefined);
    await rm(resolv, { force: true });
    if (saved !== undefined) {
      await writeFile(resolv, saved);
      await rm(`${resolv}.pps-saved`, { force: true });
    }
  },
};
