import { expect } from 'chai';
import fc from 'fast-check';
import { isSdkError } from '../../../errors/index.js';
import {
  cty,
  ctyTypeEquals,
  ctyVal,
  ctyValueEquals,
  decodeCtyTypeGob,
  decodeCtyValueGob,
  encodeCtyTypeGob,
  encodeCtyValueGob,
} from '../../../rpc/cty/index.js';
import { FLAVORS, GOB_DIR, goCtyType, goCtyValue, hexFile, vectorsOfKind } from '../gob/fixtures.js';
import { arbCtyType, arbCtyValue, arbTypedValue } from './arbitraries.js';

function expectCode(fn: () => unknown, code: Parameters<typeof isSdkError>[1]): void {
  try {
    fn();
  } catch (err) {
    expect(isSdkError(err, code), String(err)).to.equal(true);
    return;
  }
  expect.fail(`expected ${code}`);
}

describe('rpc/cty gob', () => {
  describe('(cty.Type).GobEncode equals every ctytype vector', () => {
    for (const flavor of FLAVORS) {
      for (const vector of vectorsOfKind(flavor, 'cty.Type.GobEncode')) {
        it(`${vector.file}: ${String(vector.spec)}`, () => {
          const type = goCtyType(vector.spec as string);
          const bytes = hexFile(GOB_DIR, vector.file);
          expect(Buffer.from(encodeCtyTypeGob(type, flavor)).toString('hex')).to.equal(bytes.toString('hex'));
          expect(ctyTypeEquals(decodeCtyTypeGob(bytes), type)).to.equal(true);
        });
      }
    }
  });

  describe('(cty.Value).GobEncode equals every ctyvalue vector', () => {
    for (const flavor of FLAVORS) {
      for (const vector of vectorsOfKind(flavor, 'cty.Value.GobEncode')) {
        it(`${vector.file}: ${String(vector.spec)}`, () => {
          const { type, value } = goCtyValue(vector.spec as string);
          const bytes = hexFile(GOB_DIR, vector.file);
          expect(Buffer.from(encodeCtyValueGob(value, type, flavor)).toString('hex')).to.equal(
            bytes.toString('hex'),
          );
          const decoded = decodeCtyValueGob(bytes);
          expect(ctyTypeEquals(decoded.type, type)).to.equal(true);
          expect(ctyValueEquals(decoded.value, value)).to.equal(true);
        });
      }
    }
  });

  it('decodes object types across flavors (each reads the other, as Go does)', () => {
    const packer166 = hexFile(GOB_DIR, 'ctytype-object-a-string.packer166.hex');
    const sdkfork = hexFile(GOB_DIR, 'ctytype-object-a-string.sdkfork.hex');
    expect(packer166.equals(sdkfork)).to.equal(false);
    expect(decodeCtyTypeGob(packer166)).to.deep.equal(decodeCtyTypeGob(sdkfork));
  });

  it('refuses the dynamic type, as Go does (type not registered for interface)', () => {
    expectCode(() => encodeCtyTypeGob(cty.dynamic, 'packer166'), 'PKR_ERR_CTY_UNENCODABLE');
    expectCode(
      () => encodeCtyTypeGob(cty.list(cty.object({ a: cty.dynamic })), 'sdkfork'),
      'PKR_ERR_CTY_UNENCODABLE',
    );
    expectCode(() => encodeCtyValueGob(ctyVal.null, cty.dynamic, 'sdkfork'), 'PKR_ERR_CTY_UNENCODABLE');
  });

  it('refuses unknown values and optional attributes for Packer 1.6.6', () => {
    expectCode(() => encodeCtyValueGob(ctyVal.unknown, cty.string, 'sdkfork'), 'PKR_ERR_CTY_UNENCODABLE');
    expectCode(
      () => encodeCtyTypeGob(cty.object({ a: cty.string }, ['a']), 'packer166'),
      'PKR_ERR_CTY_UNENCODABLE',
    );
    expect(decodeCtyTypeGob(encodeCtyTypeGob(cty.object({ a: cty.string }, ['a']), 'sdkfork'))).to.deep.equal(
      cty.object({ a: cty.string }, ['a']),
    );
  });

  it('refuses a value that does not fit its type', () => {
    expectCode(() => encodeCtyValueGob(ctyVal.string('x'), cty.number, 'sdkfork'), 'PKR_ERR_CTY_VALUE');
    expectCode(
      () => encodeCtyValueGob(ctyVal.object({}), cty.object({ a: cty.string }), 'sdkfork'),
      'PKR_ERR_CTY_VALUE',
    );
  });

  it('keeps numbers exact through math/big.Float: int64, float64 and long decimals', () => {
    for (const n of [
      0,
      -0,
      42,
      -7,
      2 ** 62,
      0.1,
      -2.5e-300,
      Infinity,
      '0.1',
      '123456789012345678901234567890',
      '-1e-40',
      '9007199254740993',
    ]) {
      const value = ctyVal.number(n);
      const decoded = decodeCtyValueGob(encodeCtyValueGob(value, cty.number, 'sdkfork')).value;
      expect(ctyValueEquals(decoded, value), `${String(n)} came back as ${JSON.stringify(decoded)}`).to.equal(
        true,
      );
    }
  });

  it('writes cty.NumberIntVal(42) with precision 64, as the vector shows', () => {
    const bytes = Buffer.from(encodeCtyValueGob(ctyVal.number(42), cty.number, 'packer166')).toString('hex');
    expect(bytes).to.contain('12010a0000004000000006a800000000000000');
  });

  for (const flavor of FLAVORS) {
    it(`round-trips random types (${flavor}, property)`, () => {
      fc.assert(
        fc.property(arbCtyType({ optional: flavor === 'sdkfork' }), (type) => {
          expect(ctyTypeEquals(decodeCtyTypeGob(encodeCtyTypeGob(type, flavor)), type)).to.equal(true);
        }),
        { numRuns: 200 },
      );
    });

    it(`round-trips random values with nulls and long decimals (${flavor}, property)`, () => {
      fc.assert(
        fc.property(arbTypedValue({}, { nulls: true, decimals: true }), ({ type, value }) => {
          const decoded = decodeCtyValueGob(encodeCtyValueGob(value, type, flavor));
          expect(ctyTypeEquals(decoded.type, type)).to.equal(true);
          expect(ctyValueEquals(decoded.value, value), JSON.stringify(decoded.value)).to.equal(true);
        }),
        { numRuns: 200 },
      );
    });
  }

  it('a set value keeps its elements (cty/set.Set inside its own gob stream)', () => {
    fc.assert(
      fc.property(arbCtyValue(cty.set(cty.string)), (value) => {
        const decoded = decodeCtyValueGob(encodeCtyValueGob(value, cty.set(cty.string), 'sdkfork'));
        expect(ctyValueEquals(decoded.value, value)).to.equal(true);
      }),
      { numRuns: 50 },
    );
  });
});
