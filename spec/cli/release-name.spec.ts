import { expect } from 'chai';
import fc from 'fast-check';
import {
  checkPluginName,
  checksumsFileName,
  goArch,
  goOs,
  normaliseVersion,
  parseReleaseFileName,
  releaseFileName,
  sha256Sum,
} from '../../cli/release-name.js';
import { isSdkError } from '../../errors/index.js';

describe('cli/release-name', () => {
  it("maps Node's platform and arch names to Go's", () => {
    const platforms: [string, string][] = [
      ['linux', 'linux'],
      ['darwin', 'darwin'],
      ['win32', 'windows'],
      ['freebsd', 'freebsd'],
    ];
    for (const [node, go] of platforms) expect(goOs(node), node).to.equal(go);
    const arches: [string, string][] = [
      ['x64', 'amd64'],
      ['arm64', 'arm64'],
      ['ia32', '386'],
      ['arm', 'arm'],
    ];
    for (const [node, go] of arches) expect(goArch(node), node).to.equal(go);
  });

  it('names the artifact as Packer ≥ 1.7 installs it (protocol §1.5)', () => {
    expect(releaseFileName({ name: 'hello', version: '0.1.0', os: 'linux', arch: 'amd64' })).to.equal(
      'packer-plugin-hello_v0.1.0_x5.0_linux_amd64',
    );
    expect(
      releaseFileName({ name: 'my-cloud', version: 'v1.20.3-dev', os: 'darwin', arch: 'arm64' }),
    ).to.equal('packer-plugin-my-cloud_v1.20.3-dev_x5.0_darwin_arm64');
    expect(releaseFileName({ name: 'hello', version: '2.0.0', os: 'windows', arch: 'amd64' })).to.equal(
      'packer-plugin-hello_v2.0.0_x5.0_windows_amd64.exe',
    );
  });

  it('accepts the versions Packer accepts and normalises them', () => {
    const table: [string, string][] = [
      ['1.2.3', '1.2.3'],
      ['v1.2.3', '1.2.3'],
      ['0.0.0', '0.0.0'],
      ['1.2.3-dev', '1.2.3-dev'],
      ['1.2.3+build.7', '1.2.3'],
    ];
    for (const [input, output] of table) expect(normaliseVersion(input), input).to.equal(output);
  });

  it('refuses versions Packer refuses', () => {
    for (const bad of ['1.2', '01.2.3', '1.02.3', '1.2.3-beta', 'vv1.2.3', '1.2.3 ', '', 'latest']) {
      expect(() => normaliseVersion(bad), bad)
        .to.throw()
        .that.satisfies((e: unknown) => isSdkError(e, 'PKR_ERR_CLI_USAGE'));
    }
  });

  it('accepts names usable in both Packer generations and refuses the rest', () => {
    for (const good of ['hello', 'my-cloud', 'x1', '0day']) expect(checkPluginName(good)).to.equal(good);
    for (const bad of ['', 'Hello', 'a_b', '-x', 'a/b', 'a b', 'ä']) {
      expect(() => checkPluginName(bad), bad)
        .to.throw()
        .that.satisfies((e: unknown) => isSdkError(e, 'PKR_ERR_CLI_NAME'));
    }
  });

  it('parses every name it makes back into its parts', () => {
    const name = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);
    const version = fc
      .tuple(fc.nat(999), fc.nat(999), fc.nat(999), fc.boolean())
      .map(([a, b, c, dev]) => `${a}.${b}.${c}${dev ? '-dev' : ''}`);
    const os = fc.constantFrom('linux', 'darwin', 'freebsd', 'windows', 'netbsd');
    const arch = fc.constantFrom('amd64', 'arm64', '386', 'arm', 'ppc64le');
    fc.assert(
      fc.property(name, version, os, arch, (n, v, o, a) => {
        const parsed = parseReleaseFileName(releaseFileName({ name: n, version: v, os: o, arch: a }));
        expect(parsed).to.deep.equal({ name: n, version: v, apiVersion: 'x5.0', os: o, arch: a });
      }),
    );
    expect(parseReleaseFileName('packer-plugin-hello')).to.equal(undefined);
  });

  it('writes the _SHA256SUM content Packer checks: lower-case hex, no newline, no file name', () => {
    expect(sha256Sum(Buffer.alloc(0))).to.equal(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(sha256Sum(Buffer.from('abc'))).to.equal(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    fc.assert(
      fc.property(fc.uint8Array(), (data) => {
        expect(sha256Sum(data)).to.match(/^[0-9a-f]{64}$/);
      }),
    );
  });

  it('names the release checksums file like the Go release tooling', () => {
    expect(checksumsFileName('hello', 'v0.1.0')).to.equal('packer-plugin-hello_v0.1.0_SHA256SUMS');
  });
});
