import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { keys, type Step } from 'packer-plugin-sdk';
import { run } from '../lib/run.js';
import { artifactFiles, rootDir, tarballSha256 } from './state.js';

/** Packs the root file system into `<image>.tar.gz` and writes `<image>.tar.gz.sha256` next to it. */
export function stepExport(imageName: string): Step {
  return {
    name: 'export',
    async run(state, { signal }) {
      const ui = state.require(keys.ui);
      const root = state.require(rootDir);
      const tarball = join(state.require(keys.outputDir), `${imageName}.tar.gz`);
      await ui.say(`Packing the root file system into ${tarball}...`);
      // Mounts are gone by now (they lived in a scope); --one-file-system guards the rest.
      await run(
        'tar',
        ['--numeric-owner', '--one-file-system', '--xattrs', '-czf', tarball, '-C', root, '.'],
        { signal },
      );
      const hash = createHash('sha256');
      await pipeline(createReadStream(tarball), hash, { signal });
      const sha256 = hash.digest('hex');
      const sumFile = `${tarball}.sha256`;
      await writeFile(sumFile, `${sha256}  ${basename(tarball)}\n`);
      const { size } = await stat(tarball);
      state.put(tarballSha256, sha256);
      state.put(artifactFiles, [tarball, sumFile]);
      state.put(keys.generatedData, { ...state.get(keys.generatedData), ImageSize: size });
      await ui.say(`${basename(tarball)}: ${(size / 1024 / 1024).toFixed(1)} MiB, sha256 ${sha256}`);
      return 'continue';
    },
  };
}
