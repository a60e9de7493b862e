import { readdirSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { isSdkError } from '../../../errors/index.js';
import { cty } from '../../../rpc/cty/index.js';
import type { HclSpec } from '../../../rpc/hclspec/index.js';
import {
  decodeSpecGob,
  decodeSpecProtobuf,
  encodeSpecProtobuf,
  hclSpecEquals,
} from '../../../rpc/hclspec/index.js';
import { arbHclSpec } from '../cty/arbitraries.js';
import { GOB_DIR, PROTOBUF_DIR, hexFile } from '../gob/fixtures.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function expectProtobufError(spec: HclSpec, attribute: string): void {
  try {
    encodeSpecProtobuf(spec);
    expect.fail('should throw');
  } catch (err) {
    expect(isSdkError(err, 'PKR_ERR_HCLSPEC_PROTOBUF'), String(err)).to.equal(true);
    expect((err as Error).message).to.contain(attribute);
  }
}

describe('rpc/hclspec protobuf', () => {
  // Each protobuf vector has a gob twin with the same name: decode that for the spec.
  for (const file of readdirSync(PROTOBUF_DIR).filter((f) => f.endsWith('.hex'))) {
    it(`equals ${file}`, () => {
      const spec = decodeSpecGob(hexFile(GOB_DIR, file.replace(/\.hex$/, '.packer166.hex')));
      const bytes = hexFile(PROTOBUF_DIR, file);
      expect(hex(encodeSpecProtobuf(spec))).to.equal(hex(bytes));
      expect(hclSpecEquals(decodeSpecProtobuf(bytes), spec)).to.equal(true);
    });
  }

  it('matches the example of protocol §5.4b', () => {
    const spec: HclSpec = { name: { kind: 'attr', name: 'name', type: cty.string, required: true } };
    expect(hex(encodeSpecProtobuf(spec))).to.equal(
      '0a240a220a046e616d65121a12180a046e616d65120e0a0c0a0a6374792e537472696e671801',
    );
  });

  it('names the attribute it cannot carry', () => {
    expectProtobufError(
      { env: { kind: 'blockAttrs', typeName: 'env', elementType: cty.string, required: false } },
      'env',
    );
    expectProtobufError(
      {
        b: {
          kind: 'block',
          typeName: 'b',
          required: false,
          nested: { ids: { kind: 'attr', name: 'ids', type: cty.set(cty.string), required: false } },
        },
      },
      'b.ids',
    );
    expectProtobufError(
      { o: { kind: 'attr', name: 'o', type: cty.object({ a: cty.string }), required: false } },
      'o',
    );
    expectProtobufError(
      { t: { kind: 'attr', name: 't', type: cty.list(cty.dynamic), required: false } },
      't',
    );
    expectProtobufError({ x: { kind: 'blockObject', typeName: 'x', labelNames: ['n'], nested: {} } }, 'x');
  });

  it('drops blockList limits, as the Go SDK does', () => {
    const spec: HclSpec = { d: { kind: 'blockList', typeName: 'd', nested: {}, minItems: 1, maxItems: 3 } };
    expect(decodeSpecProtobuf(encodeSpecProtobuf(spec))).to.deep.equal({
      d: { kind: 'blockList', typeName: 'd', nested: {}, minItems: 0, maxItems: 0 },
    });
  });

  it('round-trips random specs it can carry (property)', () => {
    fc.assert(
      fc.property(arbHclSpec({ protobuf: true }), (spec) => {
        expect(hclSpecEquals(decodeSpecProtobuf(encodeSpecProtobuf(spec)), spec)).to.equal(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses garbage with a coded error (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeSpecProtobuf(bytes);
        } catch (err) {
          expect(isSdkError(err, 'PKR_ERR_HCLSPEC_DECODE'), String(err)).to.equal(true);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
