import { mkdtemp } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Step } from 'packer-plugin-sdk';
import { run } from '../lib/run.js';
import { rootDir } from './state.js';

/** Mount points under `dir` (from /proc/self/mounts; octal escapes decoded). */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter((p): p is string => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(`${dir}/`));
}

/**
 * A private work directory holding the root file system. Removed in cleanup — but never
 * while anything is still mounted inside it (that would delete the host's /dev or /proc):
 * then it refuses and says what is left.
 */
export const stepWorkDir: Step = {
  name: 'work-dir',
  async run(state) {
    const work = await mkdtemp(join(tmpdir(), 'debian-rootfs-'));
    state.put(rootDir, join(work, 'root'));
    return 'continue';
  },
  async cleanup(state) {
    const root = state.get(rootDir);
    if (!root) return;
    const work = join(root, '..');
    const left = mountsUnder(work);
    if (left.length > 0) throw new Error(`not removing ${work}: still mounted: ${left.join(', ')}`);
    // --one-file-system: even a mount we did not see is never crossed.
    await run('rm', ['-rf', '--one-file-system', work]);
  },
};
