import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { buildPlugin } from '../../cli/build.js';
import type { BuiltPlugin } from '../../cli/built-plugin.js';
import { describePlugin } from '../../cli/describe-plugin.js';
import { releasePlugin } from '../../cli/release.js';
import { goArch, goOs } from '../../cli/release-name.js';
import { isSdkError } from '../../errors/index.js';
import { firstLine, fixture, scratchDir } from './helpers.js';

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('cli/release', function () {
  this.timeout(60_000);
  let built: BuiltPlugin;
  let env: NodeJS.ProcessEnv;
  const host = `${goOs()}_${goArch()}`;

  before(async () => {
    built = await buildPlugin({ entry: fixture('kit.ts'), out: scratchDir('release-build') });
    env = {
      ...process.env,
      PACKER_SDK_NODE: process.execPath,
      PACKER_SDK_CACHE_DIR: scratchDir('release-cache'),
    };
  });

  it('writes the versioned single file and its _SHA256SUM (lower-case hex, nothing else)', async () => {
    const out = scratchDir('release');
    const result = await releasePlugin({ plugin: built.path, version: 'v0.3.0', out, env });
    const name = `packer-plugin-kit_v0.3.0_x5.0_${host}`;
    expect(result.artifact).to.equal(join(out, name));
    expect(readdirSync(out).sort()).to.deep.equal([name, `${name}_SHA256SUM`]);
    const bytes = readFileSync(result.artifact);
    expect(readFileSync(result.checksum, 'utf8')).to.equal(createHash('sha256').update(bytes).digest('hex'));
    expect(result.description).to.deep.include({
      version: '0.3.0',
      api_version: 'x5.0',
      provisioners: ['echo'],
    });
    // The artifact is self-contained: it answers on its own, wherever it is copied.
    const alone = join(scratchDir('alone'), name);
    copyFileSync(result.artifact, alone);
    expect((await describePlugin(alone, { env })).version).to.equal('0.3.0');
  });

  it('gives a single file that starts the component a symlink names', async () => {
    const out = scratchDir('release-link');
    const { artifact } = await releasePlugin({ plugin: built.path, version: '0.3.0', out, env });
    symlinkSync(artifact, join(out, 'packer-post-processor-kit-stamp'));
    const started = await firstLine(join(out, 'packer-post-processor-kit-stamp'), [], env);
    expect(started.line, started.stderr).to.match(/^5\|unix\|\/.+$/);
  });

  it('refuses a version the plugin does not report, and leaves nothing behind', async () => {
    const out = scratchDir('mismatch');
    const err = await failure(releasePlugin({ plugin: built.path, version: '1.0.0', out, env }));
    expect(isSdkError(err, 'PKR_ERR_CLI_VERSION_MISMATCH'), String(err)).to.equal(true);
    expect((err as Error).message).to.contain('reports version 0.3.0, not 1.0.0');
    expect(readdirSync(out)).to.deep.equal([]);
  });

  it('takes only Go names for --os and --arch', async () => {
    for (const [os, arch] of [
      ['Linux', 'amd64'],
      ['linux', 'x86_64'],
      ['', 'amd64'],
    ]) {
      const err = await failure(
        releasePlugin({ plugin: built.path, version: '0.3.0', os, arch, out: scratchDir('names'), env }),
      );
      expect(isSdkError(err, 'PKR_ERR_CLI_USAGE'), `${os}/${arch}: ${String(err)}`).to.equal(true);
    }
  });

  it('refuses Windows for launcher builds and a foreign platform for executables', async () => {
    const windows = await failure(
      releasePlugin({ plugin: built.path, version: '0.3.0', os: 'windows', out: scratchDir('win'), env }),
    );
    expect(isSdkError(windows, 'PKR_ERR_CLI_PLATFORM'), String(windows)).to.equal(true);
    const exe = join(scratchDir('exe'), 'packer-plugin-node');
    copyFileSync(process.execPath, exe);
    const other = goArch() === 'arm64' ? 'amd64' : 'arm64';
    const foreign = await failure(
      releasePlugin({ plugin: exe, version: '1.0.0', arch: other, out: scratchDir('foreign'), env }),
    );
    expect(isSdkError(foreign, 'PKR_ERR_CLI_PLATFORM'), String(foreign)).to.equal(true);
    expect((foreign as Error).message).to.contain(
      `is an executable for linux/${goArch()}, not linux/${other}`,
    );
  });

  it('zips like the Go release tooling and keeps one _SHA256SUMS line per archive', async () => {
    const out = scratchDir('zip');
    const mtime = new Date('2025-01-02T03:04:06Z');
    const first = await releasePlugin({ plugin: built.path, version: '0.3.0', out, zip: true, mtime, env });
    const second = await releasePlugin({
      plugin: built.path,
      version: '0.3.0',
      arch: 'riscv64',
      out,
      zip: true,
      mtime,
      env,
    });
    await releasePlugin({ plugin: built.path, version: '0.3.0', out, zip: true, mtime, env });
    expect(first.zip).to.equal(join(out, `packer-plugin-kit_v0.3.0_x5.0_${host}.zip`));
    expect(second.checksums).to.equal(join(out, 'packer-plugin-kit_v0.3.0_SHA256SUMS'));
    const lines = readFileSync(second.checksums!, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => l.slice(66)).sort()).to.deep.equal(
      [
        `packer-plugin-kit_v0.3.0_x5.0_${host}.zip`,
        `packer-plugin-kit_v0.3.0_x5.0_${goOs()}_riscv64.zip`,
      ].sort(),
    );
    for (const line of lines) {
      const [sum, file] = line.split('  ');
      expect(
        createHash('sha256')
          .update(readFileSync(join(out, file!)))
          .digest('hex'),
      ).to.equal(sum);
    }
    // The one entry is the artifact itself, executable.
    const zip = readFileSync(first.zip!);
    expect(zip.readUInt16LE(zip.length - 22 + 10)).to.equal(1);
    const nameLength = zip.readUInt16LE(26);
    expect(zip.toString('utf8', 30, 30 + nameLength)).to.equal(`packer-plugin-kit_v0.3.0_x5.0_${host}`);
    const body = zip.subarray(30 + nameLength, 30 + nameLength + zip.readUInt32LE(18));
    const data = zip.readUInt16LE(8) === 8 ? inflateRawSync(body) : body;
    expect(data.equals(readFileSync(first.artifact))).to.equal(true);
    expect(existsSync(`${second.artifact}_SHA256SUM`)).to.equal(true);
  });
});
