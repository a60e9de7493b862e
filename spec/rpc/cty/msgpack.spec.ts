import { expect } from 'chai';
import fc from 'fast-check';
import { isSdkError } from '../../../errors/index.js';
import {
  cty,
  ctyTypeEquals,
  ctyVal,
  ctyValueEquals,
  decodeCtyValueMsgpack,
  encodeCtyValueMsgpack,
} from '../../../rpc/cty/index.js';
import { arbTypedValue } from './arbitraries.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('rpc/cty msgpack (--protobuf mode datasource values)', () => {
  it('matches the worked example of protocol §6.2 byte for byte', () => {
    const bytes = encodeCtyValueMsgpack(
      ctyVal.object({ id: ctyVal.string('ami-123'), count: ctyVal.number(2) }),
      cty.object({ id: cty.string, count: cty.number }),
    );
    expect(hex(bytes)).to.equal(
      '92c42b5b226f626a656374222c7b22636f756e74223a226e756d626572222c226964223a22737472696e67227d5d82a5636f756e7402a26964a7616d692d313233',
    );
  });

  it('writes null as c0 and unknown as d4 00 00 inside the type wrapper', () => {
    expect(hex(encodeCtyValueMsgpack(ctyVal.null, cty.string))).to.equal('92c40822737472696e6722c0');
    expect(hex(encodeCtyValueMsgpack(ctyVal.unknown, cty.bool))).to.equal('92c40622626f6f6c22d40000');
  });

  it('writes numbers as go-cty does: compact int64, else float64, else decimal text', () => {
    const body = (n: number | string): string =>
      hex(encodeCtyValueMsgpack(ctyVal.number(n), cty.number)).slice(22);
    expect(body(0)).to.equal('00');
    expect(body(-33)).to.equal('d0df');
    expect(body(300)).to.equal('cd012c');
    expect(body(-(2 ** 40))).to.equal('d3ffffff0000000000');
    expect(body(2 ** 62)).to.equal('cf4000000000000000');
    expect(body(0.5)).to.equal('cb3fe0000000000000');
    expect(body('9007199254740993')).to.equal('cf0020000000000001');
    expect(body('0.1')).to.equal('a3302e31');
  });

  it('sorts object attributes and map keys by bytes, as Go sort.Strings', () => {
    const bytes = encodeCtyValueMsgpack(
      ctyVal.map({ '😀': ctyVal.bool(true), '\uffff': ctyVal.bool(false) }),
      cty.map(cty.bool),
    );
    const text = Buffer.from(bytes).toString('latin1');
    expect(text.indexOf('\xef\xbf\xbf')).to.be.lessThan(text.indexOf('\xf0\x9f\x98\x80'));
  });

  it('refuses a value under dynamic without its own type, and values that do not fit', () => {
    try {
      encodeCtyValueMsgpack(ctyVal.string('x'), cty.dynamic);
      expect.fail('should throw');
    } catch (err) {
      expect(isSdkError(err, 'PKR_ERR_CTY_UNENCODABLE')).to.equal(true);
    }
    expect(() => encodeCtyValueMsgpack(ctyVal.bool(true), cty.string)).to.throw(/bool value/);
  });

  it('round-trips random values, unknowns and nulls included (property)', () => {
    fc.assert(
      fc.property(
        arbTypedValue({ dynamic: true, optional: true }, { nulls: true, unknown: true, decimals: true }),
        ({ type, value }) => {
          const back = decodeCtyValueMsgpack(encodeCtyValueMsgpack(value, type));
          // A document's type is the value's own type: an outer `dynamic` is not written down.
          const [wantType, wantValue] = value.kind === 'dynamic' ? [value.type, value.value] : [type, value];
          expect(ctyTypeEquals(back.type, wantType)).to.equal(true);
          expect(ctyValueEquals(back.value, wantValue), JSON.stringify(back.value)).to.equal(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never fails uncoded on truncated or corrupted bytes (property)', () => {
    fc.assert(
      fc.property(
        arbTypedValue({}, { nulls: true }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        ({ type, value }, cut, at, byte) => {
          const bytes = Uint8Array.from(encodeCtyValueMsgpack(value, type));
          if (bytes.length > 0) bytes[at % bytes.length] = byte;
          try {
            decodeCtyValueMsgpack(bytes.subarray(0, cut % (bytes.length + 1)));
          } catch (err) {
            expect(err instanceof Error && 'code' in err, String(err)).to.equal(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
