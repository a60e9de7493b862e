import { expect } from 'chai';
import fc from 'fast-check';
import type { GoType } from '../../../rpc/gob/index.js';
import {
  GobChunkReader,
  GobStreamEncoder,
  decodeGob,
  goBasic,
  goMap,
  goStruct,
} from '../../../rpc/gob/index.js';
import { splitAt } from '../../support/split-at.js';
import { GOB_DIR, hexFile } from './fixtures.js';

const item = goStruct([{ name: 'N', type: goBasic.int }], { name: 'Item', pkgPath: 'x' });
const bag: GoType = goMap(goBasic.string, goBasic.interface, { name: 'Bag', pkgPath: 'x' });

describe('rpc/gob GobChunkReader', () => {
  it('yields each value of a multi-value stream once, however it is split (property)', () => {
    // One encoder: the second and third values reuse the first one's type definitions, and the
    // interface values make the first value span several messages (flushed definitions).
    const enc = new GobStreamEncoder();
    const stream = Buffer.concat([
      enc.encode(bag, { entries: [['a', { concreteName: 'item', type: item, value: { N: 1 } }]] }),
      enc.encode(bag, { entries: [['b', { concreteName: 'item', type: item, value: { N: 2 } }]] }),
      enc.encode(goBasic.string, 'end'),
    ]);
    const whole = decodeGob(stream);
    expect(whole).to.have.length(3);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        const reader = new GobChunkReader();
        const got = splitAt(stream, cuts).flatMap((c) => reader.push(c));
        expect(got).to.deep.equal(whole);
        expect(reader.hasPartialValue).to.equal(false);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes a real multi-message ConfigSpec fed one byte at a time', () => {
    const bytes = hexFile(GOB_DIR, 'spec-sample.sdkfork.hex');
    const reader = new GobChunkReader();
    const got = [...bytes].flatMap((b) => reader.push(Uint8Array.of(b)));
    expect(got).to.deep.equal(decodeGob(bytes));
  });

  it('keeps type definitions that arrived ahead of an incomplete value', () => {
    const bytes = hexFile(GOB_DIR, 'commandfinished-2.packer166.hex');
    const reader = new GobChunkReader({ maxBufferedBytes: 8 });
    // The 45-byte definition message exceeds 8 buffered bytes only until it completes.
    const typedef = bytes.subarray(0, bytes[0]! + 1);
    expect(() => reader.push(typedef.subarray(0, 5))).not.to.throw();
    expect(reader.push(typedef.subarray(5))).to.deep.equal([]);
    expect(reader.hasPartialValue).to.equal(false);
    expect(reader.push(bytes.subarray(typedef.length))).to.have.length(1);
  });
});
