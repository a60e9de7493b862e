import { expect } from 'chai';
import fc from 'fast-check';
import { isSdkError } from '../../errors/index.js';
import { allocateFatName, lfnEntries, shortNameChecksum } from '../../steps/fat-names.js';
import { createFat12Image, FLOPPY_BYTES, packFat12, type FatDir } from '../../steps/fat12-image.js';
import { readFat12 } from './support/fat-reader.js';

const when = new Date(2024, 4, 17, 13, 45, 30);

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('steps/fat12-image', () => {
  it('writes the 1.44 MB BPB, two identical FATs and the boot signature', () => {
    const image = createFat12Image(
      { name: '', dirs: [], files: [] },
      { label: 'cidata', volumeId: 0x1234abcd, now: when },
    );
    expect(image.length).to.equal(FLOPPY_BYTES);
    expect([...image.subarray(0, 3)]).to.deep.equal([0xeb, 0x3c, 0x90]);
    expect(image.readUInt16LE(11)).to.equal(512);
    expect(image[13]).to.equal(1);
    expect(image.readUInt16LE(14)).to.equal(1);
    expect(image[16]).to.equal(2);
    expect(image.readUInt16LE(17)).to.equal(224);
    expect(image.readUInt16LE(19)).to.equal(2880);
    expect(image[21]).to.equal(0xf0);
    expect(image.readUInt16LE(22)).to.equal(9);
    expect(image[38]).to.equal(0x29);
    expect(image.readUInt32LE(39)).to.equal(0x1234abcd);
    expect(image.toString('latin1', 43, 54)).to.equal('CIDATA     ');
    expect(image.toString('latin1', 54, 62)).to.equal('FAT12   ');
    expect([image[510], image[511]]).to.deep.equal([0x55, 0xaa]);
    const fat1 = image.subarray(512, 512 + 9 * 512);
    const fat2 = image.subarray(512 + 9 * 512, 512 + 18 * 512);
    expect(fat1.equals(fat2)).to.equal(true);
    expect([...fat1.subarray(0, 3)]).to.deep.equal([0xf0, 0xff, 0xff]);
    // The volume label is the first root entry.
    const root = 19 * 512;
    expect(image.toString('latin1', root, root + 11)).to.equal('CIDATA     ');
    expect(image[root + 11]).to.equal(0x08);
  });

  it('packs 12-bit entries low nibble first', () => {
    const packed = packFat12(Uint16Array.from([0xff0, 0xfff, 0x003, 0x004, 0xfff]));
    expect([...packed.subarray(0, 8)]).to.deep.equal([0xf0, 0xff, 0xff, 0x03, 0x40, 0x00, 0xff, 0x0f]);
  });

  it('stores trees that an independent reader gets back byte for byte (property)', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9 _.-]{0,30}[A-Za-z0-9_]$/);
    const file = fc.record({ name, data: fc.uint8Array({ maxLength: 3000 }) });
    // Depth-bounded, so every tree fits a floppy: at most 15 directories of 5 files of 3 KB.
    const dirAt = (depth: number): fc.Arbitrary<FatDir> =>
      fc.record({
        name,
        dirs: depth === 0 ? fc.constant([]) : fc.array(dirAt(depth - 1), { maxLength: 2 }),
        files: fc.array(file, { maxLength: 5 }),
      });
    const tree = dirAt(3);
    const unique = (dir: FatDir): FatDir => {
      const seen = new Set<string>();
      const keep = <T extends { name: string }>(x: T) =>
        !seen.has(x.name.toUpperCase()) && seen.add(x.name.toUpperCase());
      return { ...dir, dirs: dir.dirs.filter(keep).map(unique), files: dir.files.filter(keep) };
    };
    const flatten = (dir: FatDir, prefix: string, out: Map<string, Buffer>) => {
      for (const f of dir.files) out.set(`${prefix}${f.name}`, Buffer.from(f.data));
      for (const d of dir.dirs) flatten(d, `${prefix}${d.name}/`, out);
      return out;
    };
    fc.assert(
      fc.property(tree, (raw) => {
        const root = unique({ ...raw, name: '' });
        const read = readFat12(createFat12Image(root, { now: when }));
        expect(read.files).to.deep.equal(flatten(root, '', new Map()));
      }),
      { numRuns: 80 },
    );
  });

  it('names files the way FAT readers expect', () => {
    const taken = new Set<string>();
    const name = (n: string) => {
      const r = allocateFatName(n, taken);
      return { short: r.short.toString('latin1'), long: r.long };
    };
    expect(name('README.TXT')).to.deep.equal({ short: 'README  TXT', long: undefined });
    expect(name('ks.cfg')).to.deep.equal({ short: 'KS      CFG', long: 'ks.cfg' });
    expect(name('Autounattend.xml')).to.deep.equal({ short: 'AUTOUN~1XML', long: 'Autounattend.xml' });
    expect(name('autounattend-2.xml').short).to.equal('AUTOUN~2XML');
    expect(name('.bashrc').short).to.equal('BASHRC~1   ');
    expect(name('a b+c.tar.gz').short).to.equal('AB_CTA~1GZ ');
    for (const bad of ['', '..', 'a/b', 'a:b', 'x.', 'a'.repeat(256)]) {
      expect(
        isSdkError(
          thrown(() => allocateFatName(bad, new Set())),
          'PKR_ERR_MEDIA_NAME',
        ),
        bad,
      ).to.equal(true);
    }
  });

  it('splits long names into checksummed LFN entries, last part first', () => {
    const short = Buffer.from('AUTOUN~1XML', 'latin1');
    const entries = lfnEntries('Autounattend.xml', short);
    expect(entries).to.have.length(2);
    expect(entries[0]![0]).to.equal(0x42);
    expect(entries[1]![0]).to.equal(0x01);
    for (const e of entries) {
      expect(e[11]).to.equal(0x0f);
      expect(e[13]).to.equal(shortNameChecksum(short));
    }
    // The second part holds "xml", a NUL terminator, then 0xFFFF padding.
    expect(entries[0]!.readUInt16LE(1)).to.equal('x'.charCodeAt(0));
    expect(entries[0]!.readUInt16LE(7)).to.equal(0);
    expect(entries[0]!.readUInt16LE(9)).to.equal(0xffff);
  });

  it('refuses what does not fit, with coded errors', () => {
    const big = createFat12Image.bind(null, {
      name: '',
      dirs: [],
      files: [{ name: 'big.bin', data: new Uint8Array(1_500_000) }],
    });
    expect(isSdkError(thrown(big), 'PKR_ERR_FLOPPY_FULL')).to.equal(true);
    const many = createFat12Image.bind(null, {
      name: '',
      dirs: [],
      files: Array.from({ length: 120 }, (_, i) => ({ name: `long-name-${i}.txt`, data: new Uint8Array(1) })),
    });
    const err = thrown(many);
    expect(isSdkError(err, 'PKR_ERR_FLOPPY_FULL')).to.equal(true);
    expect((err as Error).message).to.contain('224 entries');
    expect(
      isSdkError(
        thrown(() => createFat12Image({ name: '', dirs: [], files: [] }, { label: 'much-too-long' })),
        'PKR_ERR_MEDIA_NAME',
      ),
    ).to.equal(true);
  });

  it('fills the floppy to the last cluster', () => {
    const data = new Uint8Array(2847 * 512);
    data[data.length - 1] = 7;
    const read = readFat12(createFat12Image({ name: '', dirs: [], files: [{ name: 'FULL.BIN', data }] }));
    expect(read.files.get('FULL.BIN')?.at(-1)).to.equal(7);
  });
});
