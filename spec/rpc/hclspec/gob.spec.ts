import { expect } from 'chai';
import fc from 'fast-check';
import { isSdkError } from '../../../errors/index.js';
import { cty } from '../../../rpc/cty/index.js';
import { GobTypeSpace, encodeGob, goBasic, goStruct } from '../../../rpc/gob/index.js';
import type { HclSpec } from '../../../rpc/hclspec/index.js';
import { decodeSpecGob, encodeSpecGob, hclSpecEquals } from '../../../rpc/hclspec/index.js';
import { arbHclSpec } from '../cty/arbitraries.js';
import {
  FLAVORS,
  GOB_DIR,
  hexFile,
  manifestSpec,
  realCaptures,
  reorderSpec,
  vectorFiles,
  vectorsOfKind,
} from '../gob/fixtures.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The sample spec of the fixtures, written in the order the brief lists it. */
const sample: HclSpec = {
  name: { kind: 'attr', name: 'name', type: cty.string, required: true },
  count: { kind: 'attr', name: 'count', type: cty.number, required: false },
  tags: { kind: 'attr', name: 'tags', type: cty.list(cty.string), required: false },
  disk: {
    kind: 'blockList',
    typeName: 'disk',
    nested: { size: { kind: 'attr', name: 'size', type: cty.number, required: false } },
    minItems: 0,
    maxItems: 0,
  },
};

describe('rpc/hclspec gob', () => {
  for (const flavor of FLAVORS) {
    describe(`equals every ${flavor} spec vector (main and alternates)`, () => {
      for (const vector of vectorsOfKind(flavor, 'hcldec.ObjectSpec')) {
        const spec = manifestSpec(vector.spec as Record<string, unknown>);
        for (const file of vectorFiles(vector)) {
          it(file, () => {
            const bytes = hexFile(GOB_DIR, file);
            const decoded = decodeSpecGob(bytes);
            expect(hclSpecEquals(decoded, spec)).to.equal(true);
            // Go wrote the map in some order; the same order gives the same bytes.
            expect(hex(encodeSpecGob(reorderSpec(spec, decoded), flavor))).to.equal(hex(bytes));
          });
        }
      }
    });

    it(`writes the sample spec in declaration order as the main ${flavor} vector`, () => {
      const [vector] = vectorsOfKind(flavor, 'hcldec.ObjectSpec').filter((v) => v.name === 'spec-sample');
      const encoded = hex(encodeSpecGob(sample, flavor));
      const candidates = vectorFiles(vector!).map((f) => hex(hexFile(GOB_DIR, f)));
      expect(candidates).to.include(encoded);
      expect(encoded).to.equal(candidates[0]);
    });
  }

  it('the four Go encodings of the sample are the four rotations of its entry order', () => {
    const keys = Object.keys(sample);
    const rotations = keys.map((_, i) => [...keys.slice(i), ...keys.slice(0, i)]);
    const files = vectorFiles(
      vectorsOfKind('packer166', 'hcldec.ObjectSpec').find((v) => v.name === 'spec-sample')!,
    ).map((f) => hex(hexFile(GOB_DIR, f)));
    const ours = rotations.map((order) =>
      hex(encodeSpecGob(Object.fromEntries(order.map((k) => [k, sample[k]!])), 'packer166')),
    );
    expect([...ours].sort()).to.deep.equal([...files].sort());
  });

  for (const file of realCaptures().filter((f) => f.includes('configspec'))) {
    it(`decodes the real capture ${file}, and re-encodes it to the same bytes`, () => {
      const bytes = hexFile(GOB_DIR, file);
      const spec = decodeSpecGob(bytes);
      expect(Object.keys(spec)).to.have.length(57);
      expect(spec.ssh_port).to.deep.equal({
        kind: 'attr',
        name: 'ssh_port',
        type: cty.number,
        required: false,
      });
      expect(spec.ssh_local_tunnels).to.deep.equal({
        kind: 'attr',
        name: 'ssh_local_tunnels',
        type: cty.list(cty.string),
        required: false,
      });
      const again = encodeSpecGob(spec, 'packer166');
      expect(hclSpecEquals(decodeSpecGob(again), spec)).to.equal(true);
      // Map order is Go's random walk; re-encoding in the captured order reproduces every byte.
      expect(hex(again)).to.equal(hex(bytes));
    });
  }

  it('follows the id numbering of the process it stands for', () => {
    // Ids are cached per Go type, so a second ConfigSpec in one process is the same bytes…
    const space = new GobTypeSpace();
    const first = encodeSpecGob(sample, 'sdkfork', { space });
    expect(hex(encodeSpecGob(sample, 'sdkfork', { space }))).to.equal(hex(first));
    // …while types encoded before shift every id.
    const busy = new GobTypeSpace();
    encodeGob(goStruct([{ name: 'X', type: goBasic.int }], { name: 'Other', pkgPath: 'x' }), { X: 1 }, busy);
    const shifted = encodeSpecGob(sample, 'sdkfork', { space: busy });
    expect(hex(shifted)).not.to.equal(hex(first));
    expect(hclSpecEquals(decodeSpecGob(shifted), sample)).to.equal(true);
  });

  it("names nested blocks with the core's hcldec package path (vendored in Debian's GOPATH build)", () => {
    const vendored = 'github.com/hashicorp/packer/vendor/github.com/hashicorp/hcl/v2/hcldec';
    const bytes = encodeSpecGob(sample, 'packer166', { hcldecPackage: vendored });
    expect(Buffer.from(bytes).includes(Buffer.from(`${vendored}.ObjectSpec`))).to.equal(true);
    expect(hclSpecEquals(decodeSpecGob(bytes), sample)).to.equal(true);
    const flat: HclSpec = { name: sample.name! };
    expect(hex(encodeSpecGob(flat, 'packer166', { hcldecPackage: vendored }))).to.equal(
      hex(encodeSpecGob(flat, 'packer166')),
    );
  });

  it('refuses malformed specs, and gob that is not an ObjectSpec', () => {
    expect(() =>
      encodeSpecGob({ a: { kind: 'attr', name: 'a', required: false } } as unknown as HclSpec, 'sdkfork'),
    ).to.throw(/attribute type/);
    try {
      decodeSpecGob(hexFile(GOB_DIR, 'commandfinished-1.packer166.hex'));
      expect.fail('should throw');
    } catch (err) {
      expect(isSdkError(err, 'PKR_ERR_HCLSPEC_DECODE')).to.equal(true);
    }
  });

  for (const flavor of FLAVORS) {
    it(`round-trips random specs of every kind (${flavor}, property)`, () => {
      fc.assert(
        fc.property(arbHclSpec({ allKinds: true, optional: flavor === 'sdkfork' }), (spec) => {
          const decoded = decodeSpecGob(encodeSpecGob(spec, flavor));
          expect(hclSpecEquals(decoded, spec)).to.equal(true);
          expect(Object.keys(decoded)).to.deep.equal(Object.keys(spec));
        }),
        { numRuns: 150 },
      );
    });
  }
});
