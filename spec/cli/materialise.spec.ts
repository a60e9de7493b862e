import { expect } from 'chai';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheRoot, materialise } from '../../cli/boot/materialise.js';
import type { BootManifest } from '../../cli/boot/manifest.js';
import { scratchDir } from './helpers.js';

const files = [Buffer.from('export const x = 1;\n'), Buffer.from('import "./a.js";\n')];
const manifest: BootManifest = {
  name: 'demo',
  hash: 'ab'.repeat(32),
  entry: 'main.js',
  files: [
    { path: 'a.js', size: files[0]!.length },
    { path: 'main.js', size: files[1]!.length },
  ],
};

describe('cli/boot/materialise', () => {
  it('unpacks once into a directory named after the bundle hash, with a module package.json', async () => {
    const root = scratchDir('cache');
    let reads = 0;
    const read = async (): Promise<Buffer[]> => {
      reads++;
      return files;
    };
    const env = { PACKER_SDK_CACHE_DIR: root };
    const dir = await materialise(manifest, read, env);
    expect(dir).to.equal(join(root, `demo-${'ab'.repeat(12)}`));
    expect(readFileSync(join(dir, 'main.js'), 'utf8')).to.equal('import "./a.js";\n');
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).to.equal('{"type":"module"}\n');
    expect(await materialise(manifest, read, env)).to.equal(dir);
    expect(reads, 'the payload is read only when the cache misses').to.equal(1);
  });

  it('survives concurrent first starts: one copy wins, no staging directory is left', async () => {
    const root = scratchDir('race');
    const env = { PACKER_SDK_CACHE_DIR: root };
    const dirs = await Promise.all(
      Array.from({ length: 8 }, () => materialise(manifest, async () => files, env)),
    );
    expect(new Set(dirs).size).to.equal(1);
    expect(readdirSync(root)).to.deep.equal([`demo-${'ab'.repeat(12)}`]);
  });

  it('refuses a damaged payload and leaves nothing under the final name', async () => {
    const root = scratchDir('damaged');
    const env = { PACKER_SDK_CACHE_DIR: root };
    let error: unknown;
    try {
      await materialise(manifest, async () => [files[0]!, Buffer.from('short')], env);
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.contain('main.js has the wrong size');
    expect(readdirSync(root)).to.deep.equal([]);
  });

  it('refuses a cache directory others can write to (code runs from it)', async () => {
    const root = join(scratchDir('shared'), 'cache');
    mkdirSync(root);
    chmodSync(root, 0o777);
    let error: unknown;
    try {
      await materialise(manifest, async () => files, { PACKER_SDK_CACHE_DIR: root });
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.contain('writable by others');
    expect(existsSync(join(root, `demo-${'ab'.repeat(12)}`))).to.equal(false);
  });

  it('picks the cache: PACKER_SDK_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', async () => {
    expect(await cacheRoot({ PACKER_SDK_CACHE_DIR: '/x/y', XDG_CACHE_HOME: '/c' })).to.equal('/x/y');
    expect(await cacheRoot({ XDG_CACHE_HOME: '/c', HOME: '/h' })).to.equal('/c/packer-plugin-sdk');
    expect(await cacheRoot({ XDG_CACHE_HOME: 'relative', HOME: '/h' })).to.equal(
      '/h/.cache/packer-plugin-sdk',
    );
    expect(await cacheRoot({})).to.equal(
      homedir()
        ? join(homedir(), '.cache', 'packer-plugin-sdk')
        : join(tmpdir(), `packer-plugin-sdk-${process.getuid?.()}`),
    );
  });
});
