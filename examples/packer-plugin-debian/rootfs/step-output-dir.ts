import { mkdir, readdir, rm } from 'node:fs/promises';
import { keys, packerCommonKey, type Step } from 'packer-plugin-sdk';
import { outputDir } from './state.js';

/**
 * Creates the output directory. An existing non-empty one is refused unless `-force`;
 * on failure or cancellation the directory is removed again.
 */
export function stepOutputDir(dir: string): Step {
  let created = false;
  return {
    name: 'output-dir',
    async run(state) {
      const existing = await readdir(dir).catch(() => undefined);
      if (existing && existing.length > 0) {
        if (!state.require(packerCommonKey).force) {
          throw new Error(
            `output directory ${dir} already exists and is not empty: remove it, or build with -force`,
          );
        }
        await state.require(keys.ui).say(`Deleting previous output directory ${dir}...`);
        await rm(dir, { recursive: true, force: true });
      }
      await mkdir(dir, { recursive: true });
      created = true;
      state.put(outputDir, dir);
      return 'continue';
    },
    async cleanup(_state, { status }) {
      if (created && status !== 'done') await rm(dir, { recursive: true, force: true });
    },
  };
}
