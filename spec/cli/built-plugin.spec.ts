import { expect } from 'chai';
import { closeSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { executablePlatform, readBuiltPlugin } from '../../cli/built-plugin.js';
import { describePlugin, parseDescription } from '../../cli/describe-plugin.js';
import { launcherScript, writeExecutable } from '../../cli/launcher.js';
import { goArch } from '../../cli/release-name.js';
import { isSdkError } from '../../errors/index.js';
import { scratchDir } from './helpers.js';

function head(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isSdkError(err) ? err.code : String(err);
  }
  return undefined;
}

describe('cli/built-plugin', () => {
  it('reads the platform of native executables from their headers', () => {
    expect(executablePlatform(head(process.execPath))).to.deep.equal({ os: 'linux', arch: goArch() });
    const macho = Buffer.alloc(16);
    macho.writeUInt32LE(0xfeedfacf, 0);
    macho.writeUInt32LE(0x0100000c, 4);
    expect(executablePlatform(macho)).to.deep.equal({ os: 'darwin', arch: 'arm64' });
    const pe = Buffer.alloc(256);
    pe.write('MZ', 0, 'latin1');
    pe.writeUInt32LE(0x80, 0x3c);
    pe.writeUInt32BE(0x50450000, 0x80);
    pe.writeUInt16LE(0x8664, 0x84);
    expect(executablePlatform(pe)).to.deep.equal({ os: 'windows', arch: 'amd64' });
    expect(executablePlatform(Buffer.from('#!/bin/sh\n'))).to.equal(undefined);
  });

  it('recognises a launcher by its marker and finds its bundle', () => {
    const dir = scratchDir('launcher');
    mkdirSync(join(dir, 'demo.bundle'));
    writeFileSync(join(dir, 'demo.bundle', 'main.js'), '');
    writeExecutable(
      join(dir, 'packer-plugin-demo'),
      launcherScript({ name: 'demo', bundle: 'demo.bundle', entry: 'main.js' }),
    );
    const built = readBuiltPlugin(join(dir, 'packer-plugin-demo'));
    expect(built).to.deep.include({
      kind: 'launcher',
      name: 'demo',
      bundleDir: join(dir, 'demo.bundle'),
      entry: 'main.js',
    });
  });

  it('says so when a launcher lost its bundle', () => {
    const dir = scratchDir('orphan');
    writeExecutable(
      join(dir, 'packer-plugin-demo'),
      launcherScript({ name: 'demo', bundle: 'demo.bundle', entry: 'main.js' }),
    );
    expect(codeOf(() => readBuiltPlugin(join(dir, 'packer-plugin-demo')))).to.equal('PKR_ERR_CLI_NOT_BUILT');
  });

  it('names executables after their file, in build or release form', () => {
    const dir = scratchDir('exe');
    const bytes = head(process.execPath);
    for (const [file, name] of [
      ['packer-plugin-demo', 'demo'],
      ['packer-plugin-demo_v1.0.0_x5.0_linux_amd64', 'demo'],
    ]) {
      writeExecutable(join(dir, file!), bytes);
      expect(readBuiltPlugin(join(dir, file!))).to.deep.include({ kind: 'executable', name });
    }
    writeExecutable(join(dir, 'tool'), bytes);
    expect(codeOf(() => readBuiltPlugin(join(dir, 'tool')))).to.equal('PKR_ERR_CLI_NAME');
    expect(readBuiltPlugin(join(dir, 'tool'), 'other').name).to.equal('other');
  });

  it('refuses what it does not recognise', () => {
    const dir = scratchDir('junk');
    writeFileSync(join(dir, 'packer-plugin-x'), 'just text\n');
    expect(codeOf(() => readBuiltPlugin(join(dir, 'packer-plugin-x')))).to.equal('PKR_ERR_CLI_NOT_BUILT');
    expect(codeOf(() => readBuiltPlugin(join(dir, 'missing')))).to.equal('PKR_ERR_CLI_NOT_BUILT');
    expect(codeOf(() => readBuiltPlugin(dir))).to.equal('PKR_ERR_CLI_NOT_BUILT');
  });
});

describe('cli/describe-plugin', () => {
  const line =
    '{"version":"1.2.3","sdk_version":"0.1.0","api_version":"x5.0","builders":["a"],"post_processors":[],"provisioners":["p"],"datasources":[],"protocol_version":"v2"}\n';

  it('parses describe output and checks every field', () => {
    expect(parseDescription(line)).to.deep.equal({
      version: '1.2.3',
      sdk_version: '0.1.0',
      api_version: 'x5.0',
      builders: ['a'],
      post_processors: [],
      provisioners: ['p'],
      datasources: [],
      protocol_version: 'v2',
    });
    // Plugins of older Go SDKs leave out data sources and the protocol version.
    expect(
      parseDescription(
        '{"version":"1.0.0","sdk_version":"0.2.0","api_version":"x5.0","builders":[],"post_processors":[],"provisioners":[]}',
      ),
    ).to.deep.include({ datasources: [], protocol_version: undefined });
    for (const bad of [
      '',
      '[]',
      'null',
      '{"version":1}',
      line.replace('["a"]', '[1]'),
      line.replace('"x5.0"', 'null'),
    ]) {
      expect(() => parseDescription(bad), bad).to.throw();
    }
  });

  it('runs a plugin’s describe and reports a failing or babbling one with its output', async () => {
    const dir = scratchDir('describe');
    writeExecutable(join(dir, 'good'), `#!/bin/sh\nprintf '%s' '${line.trim()}'\n`);
    expect((await describePlugin(join(dir, 'good'))).version).to.equal('1.2.3');
    writeExecutable(join(dir, 'failing'), '#!/bin/sh\necho "node: not found" >&2\nexit 127\n');
    writeExecutable(join(dir, 'babbling'), '#!/bin/sh\necho hello\n');
    for (const [file, text] of [
      ['failing', 'node: not found'],
      ['babbling', '"hello\\n"'],
    ]) {
      let error: unknown;
      try {
        await describePlugin(join(dir, file!));
      } catch (err) {
        error = err;
      }
      expect(isSdkError(error, 'PKR_ERR_CLI_DESCRIBE'), String(error)).to.equal(true);
      expect((error as Error).message).to.contain(text);
    }
  });
});
