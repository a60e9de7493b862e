import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keys, type Step } from 'packer-plugin-sdk';
import { run } from '../lib/run.js';
import { rootDir } from './state.js';

/** Reads what the new system is (os-release, package count) into the build's generated data. */
export const stepFacts: Step = {
  name: 'facts',
  async run(state) {
    const root = state.require(rootDir);
    const osRelease = await readFile(join(root, 'etc/os-release'), 'utf8').catch(() => '');
    const field = (name: string): string =>
      new RegExp(`^${name}="?([^"\\n]*)"?$`, 'm').exec(osRelease)?.[1] ?? '';
    const listed = await run('chroot', [root, 'dpkg-query', '-W', '-f', '${Package}\\n']);
    const packageCount = listed.split('\n').filter((l) => l !== '').length;
    state.put(keys.generatedData, {
      ...state.get(keys.generatedData),
      Suite: field('VERSION_CODENAME'),
      Version: field('VERSION_ID'),
      PackageCount: packageCount,
    });
    await state.require(keys.ui).say(`${field('PRETTY_NAME') || 'Debian'}: ${packageCount} packages`);
    return 'continue';
  },
};
