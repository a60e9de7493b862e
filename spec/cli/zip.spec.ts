import { expect } from 'chai';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { crc32, createZip, type ZipEntry } from '../../cli/zip.js';
import { hasTool } from '../support/tools.js';

interface ReadEntry {
  name: string;
  data: Buffer;
  mode: number;
  madeBy: number;
  time: number;
  date: number;
}

/** Reads an archive through its central directory, as unzip does (independent of the writer's code). */
function readZip(zip: Buffer): ReadEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end, 'end of central directory').to.be.at.least(0);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ReadEntry[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).to.equal(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    expect(zip.readUInt32LE(local)).to.equal(0x04034b50);
    const body = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(body, body + size);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    expect(crc32(data), name).to.equal(crc);
    entries.push({
      name,
      data,
      mode: zip.readUInt32LE(at + 38) >>> 16,
      madeBy: zip.readUInt16LE(at + 4) >> 8,
      time: zip.readUInt16LE(at + 12),
      date: zip.readUInt16LE(at + 14),
    });
    at += 46 + nameLength;
  }
  return entries;
}

describe('cli/zip', () => {
  it('computes CRC-32 as zip does', () => {
    expect(crc32(Buffer.from('123456789'))).to.equal(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).to.equal(0);
  });

  it('round-trips any entries, deflated or stored, with their Unix modes', () => {
    const entry = fc.record({
      name: fc.stringMatching(/^[a-z0-9_.-]{1,30}$/),
      data: fc.oneof(
        fc.uint8Array({ maxLength: 2000 }),
        fc.string().map((s) => Buffer.from(s.repeat(20))),
      ),
      mode: fc.constantFrom(0o644, 0o755, 0o600),
    });
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.name, maxLength: 5 }), (entries: ZipEntry[]) => {
        const read = readZip(createZip(entries));
        expect(read.map((e) => e.name)).to.deep.equal(entries.map((e) => e.name));
        read.forEach((r, i) => {
          expect(r.data.equals(Buffer.from(entries[i]!.data))).to.equal(true);
          expect(r.mode).to.equal(0o100000 | entries[i]!.mode!);
          expect(r.madeBy, 'made by Unix').to.equal(3);
        });
      }),
    );
  });

  it('stamps entries in UTC, so an archive does not depend on the time zone', () => {
    const [entry] = readZip(
      createZip([{ name: 'a', data: Buffer.from('x') }], { mtime: new Date('2024-02-29T13:45:58Z') }),
    );
    expect(entry!.date).to.equal(((2024 - 1980) << 9) | (2 << 5) | 29);
    expect(entry!.time).to.equal((13 << 11) | (45 << 5) | 29);
  });

  it('is read by unzip, which restores the executable bit', function () {
    if (!hasTool('unzip')) {
      console.log('      skipped: unzip is not installed');
      this.skip();
    }
    const dir = mkdtempSync(join(tmpdir(), 'zip-spec-'));
    try {
      const data = Buffer.from('#!/bin/sh\necho hi\n'.repeat(100));
      writeFileSync(
        join(dir, 'a.zip'),
        createZip([
          { name: 'tool', data, mode: 0o755 },
          { name: 'notes.txt', data: Buffer.from('n') },
        ]),
      );
      const test = spawnSync('unzip', ['-t', 'a.zip'], { cwd: dir, encoding: 'utf8' });
      expect(test.status, test.stdout + test.stderr).to.equal(0);
      expect(spawnSync('unzip', ['-q', 'a.zip', '-d', 'out'], { cwd: dir }).status).to.equal(0);
      expect(readFileSync(join(dir, 'out/tool')).equals(data)).to.equal(true);
      expect(statSync(join(dir, 'out/tool')).mode & 0o777).to.equal(0o755);
      expect(statSync(join(dir, 'out/notes.txt')).mode & 0o111).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
