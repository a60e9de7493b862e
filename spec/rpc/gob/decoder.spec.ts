import { expect } from 'chai';
import fc from 'fast-check';
import { isSdkError } from '../../../errors/index.js';
import type { GoType, GoValue, GobValue } from '../../../rpc/gob/index.js';
import { GobStreamDecoder, decodeGob, decodeGobValue, encodeGob, goBasic } from '../../../rpc/gob/index.js';
import { FLAVORS, GOB_DIR, hexFile, manifest, realCaptures, vectorFiles } from './fixtures.js';

function expectGobError(fn: () => unknown, truncated?: boolean): void {
  try {
    fn();
  } catch (err) {
    expect(isSdkError(err, 'PKR_ERR_GOB_DECODE'), String(err)).to.equal(true);
    if (truncated !== undefined)
      expect((err as { details: { truncated: boolean } }).details.truncated).to.equal(truncated);
    return;
  }
  expect.fail('expected PKR_ERR_GOB_DECODE');
}

// --- random Go types and values, and what the decoder must give back for them -------------

type Plain = null | boolean | bigint | number | string | Plain[] | { [k: string]: Plain };

const concreteTypes: Array<{ name: string; type: GoType }> = [
  { name: 'string', type: goBasic.string },
  { name: 'int', type: goBasic.int },
  {
    name: 'pair',
    type: {
      kind: 'struct',
      fields: [
        { name: 'K', type: goBasic.string },
        { name: 'V', type: goBasic.int },
      ],
    },
  },
  { name: '[]string', type: { kind: 'slice', elem: goBasic.string } },
];

const arbGoType: fc.Arbitrary<GoType> = fc.letrec<{ t: GoType }>((tie) => ({
  t: fc.oneof(
    { depthSize: 'small', withCrossShrink: true, maxDepth: 3 },
    fc.constantFrom<GoType>(
      goBasic.bool,
      goBasic.int,
      goBasic.uint,
      goBasic.float,
      goBasic.string,
      goBasic.bytes,
      goBasic.interface,
    ),
    tie('t').map((elem): GoType => ({ kind: 'slice', elem })),
    tie('t').map((elem): GoType => ({ kind: 'map', key: goBasic.string, elem })),
    fc
      .uniqueArray(fc.tuple(fc.constantFrom('A', 'B', 'C', 'D'), tie('t')), {
        maxLength: 3,
        selector: ([n]) => n,
      })
      .map((fields): GoType => ({ kind: 'struct', fields: fields.map(([name, type]) => ({ name, type })) })),
  ),
})).t;

function arbValue(type: GoType): fc.Arbitrary<GoValue> {
  switch (type.kind) {
    case 'bool':
      return fc.boolean();
    case 'int':
      return fc.oneof(fc.integer(), fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }));
    case 'uint':
      return fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }));
    case 'float':
      return fc.double({ noNaN: true });
    case 'string':
      return fc.string({ maxLength: 10 });
    case 'bytes':
      return fc.uint8Array({ maxLength: 10 });
    case 'interface':
      return fc.oneof(
        fc.constant(null),
        fc
          .constantFrom(...concreteTypes)
          .chain(({ name, type: t }) =>
            arbValue(t).map((value): GoValue => ({ concreteName: name, type: t, value })),
          ),
      );
    case 'slice':
      return fc.array(arbValue(type.elem), { maxLength: 3 });
    case 'map':
      return fc.oneof(
        fc.constant(null),
        fc
          .uniqueArray(fc.tuple(fc.string({ maxLength: 4 }), arbValue(type.elem)), {
            maxLength: 3,
            selector: ([k]) => k,
          })
          .map((entries): GoValue => ({ entries })),
      );
    case 'struct':
      return fc
        .tuple(...type.fields.map((f) => arbValue(f.type)))
        .map((values): GoValue => Object.fromEntries(type.fields.map((f, i) => [f.name, values[i]!])));
    default:
      return fc.constant(null);
  }
}

function isZero(type: GoType, value: GoValue): boolean {
  switch (type.kind) {
    case 'struct':
      return false;
    case 'map':
    case 'interface':
      return value === null || value === undefined;
    case 'bytes':
    case 'slice':
      return (value as { length: number }).length === 0;
    default:
      return value === false || value === 0 || value === 0n || value === '';
  }
}

/** What decoding must produce for `value` of `type`, in plain form. */
function expected(type: GoType, value: GoValue): Plain {
  switch (type.kind) {
    case 'int':
    case 'uint':
      return BigInt(value as number | bigint);
    case 'float':
      return Object.is(value, -0) ? 0 : (value as number);
    case 'bytes':
      return Buffer.from(value as Uint8Array).toString('hex');
    case 'slice':
      return (value as GoValue[]).map((v) => expected(type.elem, v));
    case 'map':
      return ((value as { entries: Array<[string, GoValue]> } | null)?.entries ?? []).map(([k, v]) => [
        k,
        expected(type.elem, v),
      ]);
    case 'struct': {
      const record = value as Record<string, GoValue>;
      const out: Record<string, Plain> = {};
      for (const f of type.fields)
        if (!isZero(f.type, record[f.name])) out[f.name] = expected(f.type, record[f.name]);
      return out;
    }
    case 'interface': {
      if (value === null) return null;
      const iface = value as { concreteName: string; type: GoType; value: GoValue };
      return { name: iface.concreteName, value: expected(iface.type, iface.value) };
    }
    default:
      return value as Plain;
  }
}

function plain(v: GobValue | null): Plain {
  if (v === null) return null;
  switch (v.kind) {
    case 'bool':
    case 'int':
    case 'uint':
    case 'string':
      return v.value;
    case 'float':
      return Object.is(v.value, -0) ? 0 : v.value;
    case 'bytes':
      return Buffer.from(v.value).toString('hex');
    case 'slice':
    case 'array':
      return v.elements.map(plain);
    case 'map':
      return v.entries.map(([k, e]) => [plain(k), plain(e)]);
    case 'struct':
      return Object.fromEntries([...v.fields].map(([k, e]) => [k, plain(e)]));
    case 'interface':
      return v.value === null ? null : { name: v.name, value: plain(v.value) };
    case 'encoded':
      return Buffer.from(v.bytes).toString('hex');
    case 'complex':
      return [v.real, v.imag];
  }
}

describe('rpc/gob decoder', () => {
  describe('decodes every golden vector and real capture', () => {
    for (const flavor of FLAVORS) {
      for (const vector of manifest(flavor)) {
        for (const file of vectorFiles(vector)) {
          it(`${file} (${vector.kind})`, () => {
            const values = decodeGob(hexFile(GOB_DIR, file));
            expect(values).to.have.length(1);
            expect(values[0]!.kind).to.be.oneOf(['struct', 'map']);
          });
        }
      }
    }
    for (const file of realCaptures()) {
      it(file, () => {
        expect(decodeGob(hexFile(GOB_DIR, file))).to.have.length(1);
      });
    }
  });

  it('decodes a stream of several values, type definitions carried over', () => {
    const t: GoType = { kind: 'struct', fields: [{ name: 'N', type: goBasic.int }] };
    const a = encodeGob(t, { N: 1 });
    const decoder = new GobStreamDecoder(Buffer.concat([a, Buffer.from('05ff82010400', 'hex')]));
    expect(plain(decoder.next()!)).to.deep.equal({ N: 1n });
    expect(plain(decoder.next()!)).to.deep.equal({ N: 2n });
    expect(decoder.next()).to.equal(undefined);
    expect(decoder.types.get(65)?.kind).to.equal('struct');
  });

  describe('refuses malformed input with PKR_ERR_GOB_DECODE', () => {
    const cases: Array<[string, string, boolean?]> = [
      ['a message longer than the input', '05ff8201', true],
      ['a uint with a length byte above 8', '03f7000000'],
      ['an empty message', '00'],
      ['a type definition for a reserved id', '0c7f0301010141010400000000'],
      ['a value of an undefined type', '03ff8200'],
      ['a definition followed by stray bytes at top level', '0cff81020102ff82000104000099'],
      [
        'a struct field number beyond the type',
        '2cff810301010f436f6d6d616e6446696e697368656401ff82000101010a45786974537461747573010400000005ff82050200',
      ],
      [
        'a map count larger than the input',
        '19ff8104010109537472696e674d617001ff8200010c010c000007ff8200ff7f0000',
      ],
      ['a non-zero singleton delta', '050c0102686a'],
      [
        'types only, then the end',
        '2cff810301010f436f6d6d616e6446696e697368656401ff82000101010a457869745374617475730104000000',
        true,
      ],
    ];
    for (const [title, bytes, truncated] of cases) {
      it(title, () => expectGobError(() => decodeGob(Buffer.from(bytes, 'hex')), truncated));
    }

    it('a duplicate type definition', () => {
      const def =
        '2cff810301010f436f6d6d616e6446696e697368656401ff82000101010a457869745374617475730104000000';
      expectGobError(() => decodeGob(Buffer.from(def + def + '03ff8200', 'hex')));
    });

    it('values nested deeper than the limit, without overflowing the stack', () => {
      // []interface{} holding another 300 levels deep: each level is an interface value
      // (registered name "x") whose value is the next slice.
      const sliceType: GoType = { kind: 'slice', elem: goBasic.interface };
      let value: GoValue = [];
      for (let i = 0; i < 300; i++) value = [{ concreteName: 'x', type: sliceType, value }];
      const bytes = encodeGob(sliceType, value);
      expectGobError(() => decodeGob(bytes, { maxDepth: 100 }));
      expect(() => decodeGob(bytes, { maxDepth: 1000 })).not.to.throw();
    });

    it('trailing garbage after the single value of decodeGobValue', () => {
      const one = encodeGob(goBasic.string, 'x');
      expectGobError(() => decodeGobValue(Buffer.concat([one, one])));
    });
  });

  it('round-trips random Go types and values (property)', () => {
    fc.assert(
      fc.property(
        arbGoType
          .filter((t) => t.kind !== 'interface')
          .chain((type) => arbValue(type).map((value) => ({ type, value }))),
        ({ type, value }) => {
          const decoded = decodeGobValue(encodeGob(type, value));
          expect(plain(decoded)).to.deep.equal(expected(type, value));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never fails other than with PKR_ERR_GOB_DECODE on truncated or bit-flipped vectors (property)', () => {
    const samples = FLAVORS.flatMap((f) => manifest(f).map((v) => hexFile(GOB_DIR, v.file)));
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { maxLength: 4 }),
        (sample, cut, flips) => {
          const bytes = Uint8Array.from(sample.subarray(0, cut % (sample.length + 1)));
          for (const [at, bit] of flips) if (bytes.length > 0) bytes[at % bytes.length]! ^= 1 << bit;
          try {
            decodeGob(bytes);
          } catch (err) {
            expect(isSdkError(err, 'PKR_ERR_GOB_DECODE'), String(err)).to.equal(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
