import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Step } from 'packer-plugin-sdk';
import { run } from '../lib/run.js';
import { mountsUnder } from './step-work-dir.js';
import { rootDir } from './state.js';

/**
 * Mounts one file system into the root file system for provisioning (`mount ARGS TARGET`),
 * and unmounts it in cleanup. A busy mount is detached lazily rather than left behind.
 */
export function stepMount(name: string, target: string, args: readonly string[]): Step {
  let mounted: string | undefined;
  return {
    name,
    async run(state) {
      const where = join(state.require(rootDir), target);
      await mkdir(where, { recursive: true });
      await run('mount', [...args, where]);
      mounted = where;
      return 'continue';
    },
    async cleanup() {
      if (!mounted) return;
      const where = mounted;
      mounted = undefined;
      // Recursive: anything mounted below (by a provisioner) goes too.
      for (const point of mountsUnder(where).sort().reverse()) {
        await run('umount', [point]).catch(() => run('umount', ['--lazy', point]));
      }
    },
  };
}

/** /proc, /sys, /dev and /dev/pts, the mounts apt and most provisioning need. */
export function mountSteps(): Step[] {
  return [
    stepMount('mount-proc', 'proc', ['-t', 'proc', 'proc']),
    stepMount('mount-sys', 'sys', ['-t', 'sysfs', 'sysfs']),
    stepMount('mount-dev', 'dev', ['--bind', '/dev']),
    stepMount('mount-devpts', 'dev/pts', ['-t', 'devpts', 'devpts']),
  ];
}
