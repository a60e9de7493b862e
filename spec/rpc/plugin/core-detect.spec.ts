import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyModinfo, readGoModinfo } from '../../../rpc/plugin/core-detect.js';

/**
 * Builds a minimal ELF64 little-endian file with one PT_LOAD segment covering the whole file
 * (vaddr = 0x400000 + offset) and sections [null, .go.buildinfo, .shstrtab], as Go's linker lays
 * them out. `inline` selects the Go ≥ 1.18 layout; otherwise the Go < 1.18 pointer layout.
 */
function fakeGoElf(modinfo: string, inline: boolean, sectionName = '.go.buildinfo'): Buffer {
  const base = 0x400000;
  const sentinel = Buffer.alloc(16, 0x30);
  const wrapped = Buffer.concat([sentinel, Buffer.from(modinfo, 'latin1'), sentinel]);
  const version = Buffer.from('go1.16.15', 'latin1');
  const ehdr = 64;
  const phdr = 56;
  const buildinfoOffset = ehdr + phdr;
  const header = Buffer.alloc(32);
  Buffer.from('\xff Go buildinf:', 'latin1').copy(header, 0);
  header[14] = 8;
  let body: Buffer;
  if (inline) {
    header[15] = 2;
    const varint = (n: number): Buffer => {
      const out: number[] = [];
      do {
        out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
        n = Math.floor(n / 128);
      } while (n > 0);
      return Buffer.from(out);
    };
    body = Buffer.concat([header, varint(version.length), version, varint(wrapped.length), wrapped]);
  } else {
    // header | string header version {ptr,len} | string header modinfo {ptr,len} | version bytes | modinfo bytes
    const strHeaders = buildinfoOffset + 32;
    const versionData = strHeaders + 32;
    const modinfoData = versionData + version.length;
    header.writeBigUInt64LE(BigInt(base + strHeaders), 16);
    header.writeBigUInt64LE(BigInt(base + strHeaders + 16), 24);
    const sh = Buffer.alloc(32);
    sh.writeBigUInt64LE(BigInt(base + versionData), 0);
    sh.writeBigUInt64LE(BigInt(version.length), 8);
    sh.writeBigUInt64LE(BigInt(base + modinfoData), 16);
    sh.writeBigUInt64LE(BigInt(wrapped.length), 24);
    body = Buffer.concat([header, sh, version, wrapped]);
  }
  const shstrtab = Buffer.from(`\0${sectionName}\0.shstrtab\0`, 'latin1');
  const shstrtabOffset = buildinfoOffset + body.length;
  const shoff = shstrtabOffset + shstrtab.length;
  const total = shoff + 3 * 64;

  const e = Buffer.alloc(ehdr);
  e.writeUInt32BE(0x7f454c46, 0);
  e[4] = 2;
  e[5] = 1;
  e[6] = 1;
  e.writeUInt16LE(2, 0x10);
  e.writeUInt16LE(0x3e, 0x12);
  e.writeBigUInt64LE(BigInt(ehdr), 0x20);
  e.writeBigUInt64LE(BigInt(shoff), 0x28);
  e.writeUInt16LE(ehdr, 0x34);
  e.writeUInt16LE(phdr, 0x36);
  e.writeUInt16LE(1, 0x38);
  e.writeUInt16LE(64, 0x3a);
  e.writeUInt16LE(3, 0x3c);
  e.writeUInt16LE(2, 0x3e);

  const p = Buffer.alloc(phdr);
  p.writeUInt32LE(1, 0);
  p.writeBigUInt64LE(0n, 0x08);
  p.writeBigUInt64LE(BigInt(base), 0x10);
  p.writeBigUInt64LE(BigInt(total), 0x20);

  const sections = Buffer.alloc(3 * 64);
  const section = (i: number, name: number, offset: number, size: number): void => {
    sections.writeUInt32LE(name, i * 64);
    sections.writeBigUInt64LE(BigInt(offset), i * 64 + 0x18);
    sections.writeBigUInt64LE(BigInt(size), i * 64 + 0x20);
  };
  section(1, 1, buildinfoOffset, body.length);
  section(2, sectionName.length + 2, shstrtabOffset, shstrtab.length);
  return Buffer.concat([e, p, body, shstrtab, sections]);
}

describe('rpc/plugin/core-detect', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'core-detect-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const modern =
    'path\tgithub.com/hashicorp/packer\nmod\tgithub.com/hashicorp/packer\t(devel)\t\ndep\tgithub.com/hashicorp/packer-plugin-sdk\tv0.6.10\th1:x=\n';
  for (const inline of [true, false]) {
    it(`reads module info from a Go ${inline ? '≥ 1.18 (inline)' : '< 1.18 (pointer)'} build-info section`, () => {
      const file = join(dir, `packer-${inline}`);
      writeFileSync(file, fakeGoElf(modern, inline));
      expect(readGoModinfo(file)).to.equal(modern);
    });
  }

  it('returns undefined for an ELF without Go build information', () => {
    const file = join(dir, 'plain');
    writeFileSync(file, fakeGoElf(modern, true, '.rodata'));
    expect(readGoModinfo(file)).to.equal(undefined);
  });

  describe('classifying a Packer binary', () => {
    it('Debian 1.6.6 (GOPATH build, no dependency list): legacy, hcldec vendored under packer/vendor', () => {
      const debian = 'path\tgithub.com/hashicorp/packer\nbuild\t-compiler=gc\nbuild\tGOOS=linux\n';
      expect(classifyModinfo('/usr/bin/packer', debian)).to.deep.include({
        generation: 'legacy',
        hcldecPackage: 'github.com/hashicorp/packer/vendor/github.com/hashicorp/hcl/v2/hcldec',
      });
    });

    it('upstream 1.6.6 (module build, SDK inside the module): legacy, plain hcldec path', () => {
      const upstream =
        'path\tgithub.com/hashicorp/packer\nmod\tgithub.com/hashicorp/packer\t(devel)\t\ndep\tgithub.com/hashicorp/hcl/v2\tv2.6.0\t\n';
      expect(classifyModinfo('/opt/packer', upstream)).to.deep.include({
        generation: 'legacy',
        hcldecPackage: 'github.com/hashicorp/hcl/v2/hcldec',
      });
    });

    it('Packer ≥ 1.7 (depends on the SDK module): modern', () => {
      expect(classifyModinfo('/opt/packer', modern)).to.deep.include({
        generation: 'modern',
        hcldecPackage: 'github.com/hashicorp/hcl/v2/hcldec',
      });
    });

    it('anything else: unknown', () => {
      expect(
        classifyModinfo('/usr/bin/terraform', 'path\tgithub.com/hashicorp/terraform\n').generation,
      ).to.equal('unknown');
    });
  });

  it('refuses a file that is not ELF', () => {
    const file = join(dir, 'script');
    writeFileSync(file, '#!/bin/sh\necho hi\n');
    expect(() => readGoModinfo(file)).to.throw(/not an ELF file/);
  });
});
