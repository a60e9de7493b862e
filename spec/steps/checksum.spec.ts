import { expect } from 'chai';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isSdkError, type SdkError } from '../../errors/index.js';
import {
  findChecksum,
  formatChecksum,
  parseChecksum,
  parseChecksumFile,
  verifyChecksum,
  type ChecksumType,
} from '../../steps/checksum.js';

const LENGTHS: Record<ChecksumType, number> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };
const TYPES = Object.keys(LENGTHS) as ChecksumType[];
const hexOf = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));

describe('steps/checksum', () => {
  it('reads each of Packer’s checksum forms', () => {
    expect(parseChecksum('none')).to.deep.equal({ kind: 'none' });
    expect(parseChecksum(' NONE ')).to.deep.equal({ kind: 'none' });
    expect(parseChecksum(`SHA256:${'AB'.repeat(32)}`)).to.deep.equal({
      kind: 'value',
      type: 'sha256',
      hex: 'ab'.repeat(32),
    });
    expect(parseChecksum('090992ba9fd140077b0661cb75f7ce13')).to.deep.include({ type: 'md5' });
    expect(parseChecksum('ebfb681885ddf1234c18094a45bbeafd91467911')).to.deep.include({ type: 'sha1' });
    expect(parseChecksum('file:http://releases.example/SHA256SUMS')).to.deep.equal({
      kind: 'file',
      location: 'http://releases.example/SHA256SUMS',
    });
    expect(parseChecksum('file:./local/path/file.sum')).to.deep.equal({
      kind: 'file',
      location: './local/path/file.sum',
    });
  });

  for (const [text, why] of [
    ['', 'a checksum is required'],
    ['sha256:abc', '64 hex digits, not 3'],
    ['abcd', 'cannot tell the type from 4 hex digits'],
    ['crc32:deadbeef', 'unknown checksum type "crc32"'],
    ['md5:zz', 'not hexadecimal'],
    ['file:', 'needs the URL or path'],
  ] as const) {
    it(`refuses ${JSON.stringify(text)} saying why`, () => {
      let err: unknown;
      try {
        parseChecksum(text);
      } catch (e) {
        err = e;
      }
      expect(isSdkError(err, 'PKR_ERR_CHECKSUM_INVALID')).to.equal(true);
      expect((err as Error).message).to.contain(why);
    });
  }

  it('round-trips typed values and guesses bare ones by length (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TYPES).chain((type) => fc.tuple(fc.constant(type), hexOf(LENGTHS[type]))),
        ([type, hex]) => {
          const typed = parseChecksum(`${type}:${hex.toUpperCase()}`);
          expect(typed).to.deep.equal({ kind: 'value', type, hex });
          expect(formatChecksum({ type, hex })).to.equal(`${type}:${hex}`);
          expect(parseChecksum(hex)).to.deep.equal({ kind: 'value', type, hex });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('finds the entry for a file in GNU and BSD checksum files (property)', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
    const entry = fc.constantFrom(...TYPES).chain((type) =>
      fc.record({
        type: fc.constant(type),
        hex: hexOf(LENGTHS[type]),
        name,
        bsd: fc.boolean(),
        star: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(entry, { minLength: 1, maxLength: 6, selector: (e) => e.name }),
        fc.nat(),
        (entries, pick) => {
          const text = entries
            .map((e) =>
              e.bsd
                ? `${e.type.toUpperCase()} (${e.name}) = ${e.hex}`
                : `${e.hex} ${e.star ? '*' : ' '}${e.name}`,
            )
            .join('\n');
          const wanted = entries[pick % entries.length]!;
          expect(findChecksum(parseChecksumFile(`# comment\n${text}\n`), wanted.name, 'SUMS')).to.deep.equal({
            type: wanted.type,
            hex: wanted.hex,
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('matches ./name and dir/name entries, and a lone bare value', () => {
    const hex = 'a'.repeat(64);
    expect(findChecksum(parseChecksumFile(`${hex}  ./x.iso`), 'x.iso', 'S')).to.deep.equal({
      type: 'sha256',
      hex,
    });
    expect(findChecksum(parseChecksumFile(`${hex}  images/x.iso`), 'x.iso', 'S')).to.deep.equal({
      type: 'sha256',
      hex,
    });
    expect(findChecksum(parseChecksumFile(`${hex}\n`), 'x.iso', 'S')).to.deep.equal({ type: 'sha256', hex });
    const err = (() => {
      try {
        return findChecksum(parseChecksumFile(`${hex}  y.iso`), 'x.iso', 'S');
      } catch (e) {
        return e;
      }
    })();
    expect(isSdkError(err, 'PKR_ERR_CHECKSUM_NOT_FOUND')).to.equal(true);
  });

  it('verifies a real file and reports both values on a mismatch', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-sum-'));
    try {
      const file = path.join(dir, 'f');
      await writeFile(file, 'hello');
      const good = createHash('sha1').update('hello').digest('hex');
      await verifyChecksum(file, { type: 'sha1', hex: good });
      const err = await verifyChecksum(file, { type: 'sha1', hex: '0'.repeat(40) }).catch((e: unknown) => e);
      expect(isSdkError(err, 'PKR_ERR_CHECKSUM_MISMATCH')).to.equal(true);
      expect((err as SdkError).details).to.deep.include({ expected: '0'.repeat(40), actual: good });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
