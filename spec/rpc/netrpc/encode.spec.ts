import { expect } from 'chai';
import { isSdkError } from '../../../errors/index.js';
import { ExtData, Float64, Unsigned, encodeMsgpack } from '../../../rpc/netrpc/index.js';

const hex = (value: unknown): string => Buffer.from(encodeMsgpack(value)).toString('hex');

function encodeError(value: unknown): string {
  try {
    encodeMsgpack(value);
  } catch (err) {
    expect(isSdkError(err, 'PKR_ERR_MSGPACK_ENCODE'), String(err)).to.equal(true);
    return (err as Error).message;
  }
  return expect.fail('expected PKR_ERR_MSGPACK_ENCODE');
}

describe('rpc/netrpc/encode', () => {
  describe('integers use ugorji 1.2.x signed forms (protocol §3.3)', () => {
    const cases: Array<[number | bigint, string]> = [
      [0, '00'],
      [127, '7f'],
      [128, 'd10080'], // 1.2.x skips int8 for positives above 127
      [300, 'd1012c'],
      [20480, 'd15000'],
      [32767, 'd17fff'],
      [32768, 'd200008000'],
      [2147483647, 'd27fffffff'],
      [2147483648, 'd30000000080000000'],
      [5_000_000_000, 'd3000000012a05f200'],
      [-1, 'ff'],
      [-32, 'e0'],
      [-33, 'd0df'],
      [-128, 'd080'],
      [-129, 'd1ff7f'],
      [-32769, 'd2ffff7fff'],
      [-2147483649, 'd3ffffffff7fffffff'],
      [Number.MAX_SAFE_INTEGER, 'd3001fffffffffffff'],
      [2 ** 60, 'd31000000000000000'],
      [5n, '05'],
      [5_000_000_000n, 'd3000000012a05f200'],
      [(1n << 63n) - 1n, 'd37fffffffffffffff'],
      [-(1n << 63n), 'd38000000000000000'],
      [1n << 63n, 'cf8000000000000000'],
      [(1n << 64n) - 1n, 'cfffffffffffffffff'],
    ];
    for (const [value, expected] of cases) {
      it(`${value} → ${expected}`, () => expect(hex(value)).to.equal(expected));
    }
  });

  describe('Unsigned writes uint forms, as Go writes uint32/uint64 fields', () => {
    const cases: Array<[number | bigint, string]> = [
      [0, '00'],
      [127, '7f'],
      [128, 'cc80'],
      [255, 'ccff'],
      [420, 'cd01a4'],
      [65536, 'ce00010000'],
      [2 ** 32, 'cf0000000100000000'],
      [(1n << 64n) - 1n, 'cfffffffffffffffff'],
    ];
    for (const [value, expected] of cases) {
      it(`${value} → ${expected}`, () => expect(hex(new Unsigned(value))).to.equal(expected));
    }
    it('refuses negative, fractional and too large values', () => {
      for (const bad of [-1, 1.5, 1n << 64n, Number.NaN]) {
        expect(() => new Unsigned(bad))
          .to.throw()
          .that.satisfies((e: unknown) => isSdkError(e, 'PKR_ERR_MSGPACK_ENCODE'));
      }
    });
  });

  it('writes non-integral numbers and Float64 as float64 (cb)', () => {
    expect(hex(1.5)).to.equal('cb3ff8000000000000');
    expect(hex(new Float64(2222))).to.equal('cb40a15c0000000000');
    expect(hex(Number.POSITIVE_INFINITY)).to.equal('cb7ff0000000000000');
    expect(hex(Number.NaN)).to.match(/^cb7ff8/);
    // Integral but beyond uint64: only a float can carry it.
    expect(hex(2 ** 65)).to.equal('cb4400000000000000');
    expect(() => new Float64('1' as unknown as number)).to.throw();
  });

  it('writes strings as str in the shortest form, str8 included (WriteExt)', () => {
    expect(hex('')).to.equal('a0');
    expect(hex('hello')).to.equal('a568656c6c6f');
    expect(hex('x'.repeat(31))).to.equal(`bf${'78'.repeat(31)}`);
    expect(hex('x'.repeat(32))).to.equal(`d920${'78'.repeat(32)}`);
    expect(hex('x'.repeat(256)).slice(0, 6)).to.equal('da0100');
    expect(hex('x'.repeat(65536)).slice(0, 10)).to.equal('db00010000');
    expect(hex('é')).to.equal('a2c3a9');
  });

  it('writes Uint8Array and Buffer as bin', () => {
    expect(hex(new Uint8Array([0x0d, 0xff, 0x81]))).to.equal('c4030dff81');
    expect(hex(Buffer.from('ab'))).to.equal('c4026162');
    expect(hex(new Uint8Array(256)).slice(0, 6)).to.equal('c50100');
    expect(hex(new Uint8Array(65536)).slice(0, 10)).to.equal('c600010000');
    expect(hex(new Uint8Array(10).subarray(2, 4))).to.equal('c4020000');
  });

  it('writes nil, bools, arrays, maps and ext', () => {
    expect(hex(null)).to.equal('c0');
    expect(hex(undefined)).to.equal('c0');
    expect(hex([true, false, undefined])).to.equal('93c3c2c0');
    expect(hex(Array.from({ length: 16 }, () => 0)).slice(0, 6)).to.equal('dc0010');
    expect(hex({ b: 1, a: 2 })).to.equal('82a16201a16102');
    expect(hex(Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i]))).slice(0, 6)).to.equal(
      'de0010',
    );
    expect(
      hex(
        new Map<unknown, unknown>([
          [1, 'x'],
          ['k', null],
        ]),
      ),
    ).to.equal('8201a178a16bc0');
    expect(hex(Object.assign(Object.create(null) as object, { a: 1 }))).to.equal('81a16101');
    expect(hex(new ExtData(5, new Uint8Array([1, 2, 3, 4])))).to.equal('d60501020304');
    expect(hex(new ExtData(-1, new Uint8Array(12)))).to.equal(`c70cff${'00'.repeat(12)}`);
  });

  it('refuses a Date with a hint to send time.Time as null', () => {
    expect(encodeError({ FileInfo: { T: new Date(0) } }))
      .to.include('$.FileInfo.T')
      .and.include('null');
  });

  it('refuses class instances, functions, symbols, cycles and too deep values', () => {
    class Thing {
      x = 1;
    }
    expect(encodeError([new Thing()])).to.include('Thing');
    expect(encodeError({ p: Promise.resolve(1) })).to.include('Promise');
    expect(encodeError({ f: () => 1 })).to.include('function');
    expect(encodeError(Symbol('s'))).to.include('symbol');
    expect(encodeError(new Int32Array(2))).to.include('Int32Array');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(encodeError(cycle)).to.include('deeper');
    expect(encodeError(1n << 64n)).to.include('64 bits');
    expect(encodeError(-(1n << 63n) - 1n)).to.include('64 bits');
  });
});
