import { expect } from 'chai';
import type { GoType, GoValue } from '../../../rpc/gob/index.js';
import {
  GobStreamEncoder,
  GobTypeSpace,
  decodeGob,
  encodeGob,
  goBasic,
  goMap,
  goSlice,
  goStruct,
} from '../../../rpc/gob/index.js';
import { isSdkError } from '../../../errors/index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
/** The last message of a stream whose message lengths are all below 128. */
function lastMessage(bytes: Uint8Array): string {
  let at = 0;
  let last = 0;
  while (at < bytes.length) {
    last = at;
    at += bytes[at]! + 1;
  }
  return hex(bytes.subarray(last));
}
/** The value message of a single-field struct holding `value` (after the type definition). */
function fieldBytes(type: GoType, value: GoValue): string {
  const stream = encodeGob(goStruct([{ name: 'F', type }], { name: 'S', pkgPath: 'x' }), { F: value });
  // after the type definition: length, ff82 (id 65), 01 (delta to F), the value, 00
  return lastMessage(stream);
}

describe('rpc/gob encoder', () => {
  describe('primitive encodings (encoding/gob doc, "Encoding details")', () => {
    const cases: Array<[string, GoType, GoValue, string]> = [
      ['uint 7 in one byte', goBasic.uint, 7, '05ff82010700'],
      ['uint 256 as negated byte count then big-endian bytes', goBasic.uint, 256, '07ff8201fe010000'],
      ['uint 2^64-1', goBasic.uint, (1n << 64n) - 1n, '0dff8201f8ffffffffffffffff00'],
      ['int -1 → 1', goBasic.int, -1, '05ff82010100'],
      ['int 127 → 254', goBasic.int, 127, '06ff8201fffe00'],
      ['int -129 → 257', goBasic.int, -129, '07ff8201fe010100'],
      ['float 17.0 (the doc example: fe 31 40)', goBasic.float, 17, '07ff8201fe314000'],
      ['bool true', goBasic.bool, true, '05ff82010100'],
      ['string "hi"', goBasic.string, 'hi', '07ff820102686900'],
      ['bytes 010203', goBasic.bytes, Uint8Array.of(1, 2, 3), '08ff82010301020300'],
    ];
    for (const [title, type, value, want] of cases) {
      it(title, () => {
        expect(fieldBytes(type, value)).to.equal(want);
      });
    }
  });

  it('omits zero-valued fields and always ends a struct with 00', () => {
    const t = goStruct(
      [
        { name: 'A', type: goBasic.int },
        { name: 'B', type: goBasic.string },
        { name: 'C', type: goSlice(goBasic.string) },
        { name: 'D', type: goBasic.bool },
      ],
      { name: 'T', pkgPath: 'x' },
    );
    const value = lastMessage(encodeGob(t, { A: 0, B: '', C: [], D: true }));
    // only D (field 3, delta 4) is sent
    expect(value).to.equal('05ff82040100');
  });

  it('sends an empty but non-nil map in a struct, and omits a nil one', () => {
    const t = goStruct([{ name: 'M', type: goMap(goBasic.string, goBasic.int) }], {
      name: 'T',
      pkgPath: 'x',
    });
    const empty = encodeGob(t, { M: { entries: [] } });
    const nil = encodeGob(t, { M: null });
    expect(hex(empty).endsWith('ff82010000')).to.equal(true);
    expect(hex(nil).endsWith('ff8200')).to.equal(true);
  });

  it('prefixes a top-level non-struct value with the singleton delta 00', () => {
    const bytes = encodeGob(goBasic.string, 'hi');
    expect(hex(bytes)).to.equal('05' + '0c' + '00' + '026869');
  });

  it('allocates ids per type space in first-use order: a second encoder in the same space continues', () => {
    const space = new GobTypeSpace();
    const a = goStruct([{ name: 'X', type: goBasic.int }], { name: 'A', pkgPath: 'x' });
    const b = goStruct([{ name: 'Y', type: goBasic.int }], { name: 'B', pkgPath: 'x' });
    const firstA = hex(encodeGob(a, { X: 1 }, space));
    expect(firstA.slice(2, 6)).to.equal('ff81'); // A is defined as 65
    expect(hex(encodeGob(b, { Y: 1 }, space)).slice(2, 6)).to.equal('ff83'); // B as 66
    expect(hex(encodeGob(a, { X: 1 }, space))).to.equal(firstA); // A keeps 65, described again
    expect(hex(encodeGob(b, { Y: 1 }))).to.equal(
      hex(encodeGob(a, { X: 1 }))
        .replace('0141', '0142')
        .replace('0158', '0159'),
    );
    expect(space.lastId).to.equal(66);
  });

  it('describes each type once per encoder, and again on a new encoder', () => {
    const t = goStruct([{ name: 'X', type: goBasic.int }], { name: 'A', pkgPath: 'x' });
    const enc = new GobStreamEncoder();
    const first = enc.encode(t, { X: 1 });
    const second = enc.encode(t, { X: 2 });
    expect(first.length).to.be.greaterThan(second.length);
    expect(hex(second)).to.equal('05ff82010400');
    expect(decodeGob(Buffer.concat([first, second]))).to.have.length(2);
  });

  it('flushes the half-built message when an interface value needs a type definition', () => {
    const concrete = goStruct([{ name: 'N', type: goBasic.int }], { name: 'C', pkgPath: 'x' });
    const outer = goMap(goBasic.string, goBasic.interface, { name: 'M', pkgPath: 'x' });
    const bytes = encodeGob(outer, {
      entries: [['k', { concreteName: 'c', type: concrete, value: { N: 3 } }]],
    });
    // message 1: typedef of the map; message 2: value start + name + typedef of C (flushed together);
    // message 3: concrete id, value length, value, end.
    const first = bytes[0]! + 1;
    const second = bytes[first]! + 1;
    // value of 65, singleton, 1 entry, key "k", name "c", then the definition of 66 (C)
    expect(hex(bytes.subarray(first, first + second))).to.match(/^..ff820001016b0163ff83/);
    // concrete id 66, value length 3, C{N: 3}
    expect(hex(bytes.subarray(first + second))).to.equal('06ff8403010600');
    const [decoded] = decodeGob(bytes);
    expect(decoded?.kind).to.equal('map');
  });

  it('reports values that do not fit their Go type with PKR_ERR_GOB_ENCODE and the field path', () => {
    const t = goStruct([{ name: 'Count', type: goBasic.int }], { name: 'T', pkgPath: 'x' });
    for (const bad of [{ Count: 'three' }, { Count: 1.5 }, { Count: 2n ** 64n }]) {
      try {
        encodeGob(t, bad);
        expect.fail('should throw');
      } catch (err) {
        expect(isSdkError(err, 'PKR_ERR_GOB_ENCODE')).to.equal(true);
        expect((err as Error).message).to.contain('Count');
      }
    }
  });
});
