import { expect } from 'chai';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlugin } from '../../cli/build.js';
import type { BuiltPlugin } from '../../cli/built-plugin.js';
import { describePlugin } from '../../cli/describe-plugin.js';
import { installLegacy } from '../../cli/install-legacy.js';
import { releasePlugin } from '../../cli/release.js';
import { firstLine, fixture, scratchDir } from './helpers.js';

const singles = ['packer-builder-kit', 'packer-post-processor-kit-stamp', 'packer-provisioner-kit-echo'];

describe('cli/install-legacy', function () {
  this.timeout(60_000);
  let built: BuiltPlugin;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    built = await buildPlugin({ entry: fixture('kit.ts'), out: scratchDir('legacy-build') });
    env = {
      ...process.env,
      PACKER_SDK_NODE: process.execPath,
      PACKER_SDK_CACHE_DIR: scratchDir('legacy-cache'),
    };
  });

  it('lays out packer-plugin-NAME and one file per component; the default builder is packer-builder-NAME', async () => {
    const dir = scratchDir('legacy');
    const result = await installLegacy({ plugin: built.path, dir, env });
    expect(result.files.map((f) => f.slice(dir.length + 1)).sort()).to.deep.equal(
      ['packer-plugin-kit', ...singles].sort(),
    );
    expect(result.skipped).to.deep.equal(['datasource info']);
    expect(readdirSync(dir).sort()).to.deep.equal(['kit.bundle', 'packer-plugin-kit', ...singles].sort());
    expect((await describePlugin(join(dir, 'packer-plugin-kit'), { env })).builders).to.have.length(1);
    for (const file of singles) {
      const started = await firstLine(join(dir, file), [], env);
      expect(started.line, `${file}: ${started.stderr}`).to.match(/^5\|unix\|\/.+$/);
    }
  });

  it('leaves out the multi-component file or the single ones on request', async () => {
    const onlySingles = scratchDir('singles');
    await installLegacy({ plugin: built.path, dir: onlySingles, multi: false, env });
    expect(readdirSync(onlySingles).sort()).to.deep.equal(['kit.bundle', ...singles].sort());
    const onlyMulti = scratchDir('multi');
    await installLegacy({ plugin: built.path, dir: onlyMulti, singles: false, env });
    expect(readdirSync(onlyMulti).sort()).to.deep.equal(['kit.bundle', 'packer-plugin-kit']);
  });

  it('copies a single file once and links the component names to it', async () => {
    const release = await releasePlugin({
      plugin: built.path,
      version: '0.3.0',
      out: scratchDir('legacy-release'),
      env,
    });
    const dir = scratchDir('linked');
    await installLegacy({ plugin: release.artifact, dir, env });
    expect(lstatSync(join(dir, 'packer-plugin-kit')).isFile()).to.equal(true);
    for (const file of singles) {
      expect(readlinkSync(join(dir, file))).to.equal('packer-plugin-kit');
      const started = await firstLine(join(dir, file), [], env);
      expect(started.line, `${file}: ${started.stderr}`).to.match(/^5\|unix\|\/.+$/);
    }
    // Without the multi-component file, the copy gets a name Packer's globs do not match.
    const hidden = scratchDir('linked-singles');
    await installLegacy({ plugin: release.artifact, dir: hidden, multi: false, env });
    expect(readdirSync(hidden).sort()).to.deep.equal(['kit.plugin', ...singles].sort());
    expect(readlinkSync(join(hidden, 'packer-builder-kit'))).to.equal('kit.plugin');
  });
});
