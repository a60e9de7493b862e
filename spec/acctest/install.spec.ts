import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installPlugin } from '../../acctest/install.js';
import { buildPlugin } from '../../cli/build.js';
import type { BuiltPlugin } from '../../cli/built-plugin.js';
import { goArch, goOs } from '../../cli/release-name.js';
import { fixture, scratchDir } from '../cli/helpers.js';

describe('acctest/install', function () {
  this.timeout(60_000);
  let built: BuiltPlugin;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    built = await buildPlugin({ entry: fixture('kit.ts'), out: scratchDir('acc-build') });
    // Launchers run this Node; single files unpack into a scratch cache.
    env = {
      ...process.env,
      PACKER_SDK_NODE: process.execPath,
      PACKER_SDK_CACHE_DIR: scratchDir('acc-cache'),
    };
  });

  it('lays out the multi-component file (Packer ≤ 1.6)', async () => {
    const installed = await installPlugin(built, { layout: 'multi', dir: scratchDir('acc-multi'), env });
    expect(installed.files.map((f) => f.slice(installed.pluginPath.length + 1))).to.deep.equal([
      'packer-plugin-kit',
    ]);
  });

  it('lays out single-component files only (Packer ≤ 1.6)', async () => {
    const installed = await installPlugin(built, { layout: 'legacy', dir: scratchDir('acc-legacy'), env });
    expect(installed.files.map((f) => f.slice(installed.pluginPath.length + 1)).sort()).to.deep.equal([
      'packer-builder-kit',
      'packer-post-processor-kit-stamp',
      'packer-provisioner-kit-echo',
    ]);
  });

  it('lays out the versioned file and checksum under the source address (Packer ≥ 1.7)', async () => {
    const dir = scratchDir('acc-versioned');
    const installed = await installPlugin(built, {
      layout: 'versioned',
      dir,
      source: 'github.com/acme/kit',
      env,
    });
    const where = join(dir, 'github.com', 'acme', 'kit');
    const name = `packer-plugin-kit_v0.3.0_x5.0_${goOs()}_${goArch()}`;
    expect(readdirSync(where).sort()).to.deep.equal([name, `${name}_SHA256SUM`]);
    expect(installed.files).to.deep.equal([join(where, name), join(where, `${name}_SHA256SUM`)]);
    expect(readFileSync(join(where, `${name}_SHA256SUM`), 'utf8')).to.equal(
      createHash('sha256')
        .update(readFileSync(join(where, name)))
        .digest('hex'),
    );
  });
});
