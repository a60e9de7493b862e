import { expect } from 'chai';
import { isSdkError, type ErrorCode } from '../../../errors/index.js';
import { ExtData, decodeMsgpack } from '../../../rpc/netrpc/index.js';

const decode = (hex: string): unknown => decodeMsgpack(Buffer.from(hex, 'hex'));

function decodeError(hex: string, code: ErrorCode, options = {}): string {
  try {
    decodeMsgpack(Buffer.from(hex, 'hex'), options);
  } catch (err) {
    expect(isSdkError(err, code), String(err)).to.equal(true);
    return (err as Error).message;
  }
  return expect.fail(`expected ${code}`);
}

describe('rpc/netrpc/decode', () => {
  describe('integers: every family, bigint only beyond 2^53', () => {
    const cases: Array<[string, number | bigint]> = [
      ['05', 5],
      ['ff', -1],
      ['cc80', 128],
      ['cd5000', 20480],
      ['d15000', 20480],
      ['ce00010000', 65536],
      ['d0df', -33],
      ['d2ffff7fff', -32769],
      ['cf000000012a05f200', 5_000_000_000],
      ['d3000000012a05f200', 5_000_000_000],
      ['d3001fffffffffffff', Number.MAX_SAFE_INTEGER],
      ['d3ffe0000000000001', -Number.MAX_SAFE_INTEGER],
      ['d30020000000000000', 2n ** 53n],
      ['cf0020000000000000', 2n ** 53n],
      ['d3ffe0000000000000', -(2n ** 53n)],
      ['cfffffffffffffffff', 2n ** 64n - 1n],
      ['d38000000000000000', -(2n ** 63n)],
    ];
    for (const [hex, value] of cases) {
      it(`${hex} → ${typeof value === 'bigint' ? `${value}n` : value}`, () => {
        const decoded = decode(hex);
        expect(typeof decoded).to.equal(typeof value);
        expect(decoded).to.equal(value);
      });
    }
    it('normalizes int64 inside arrays and maps too', () => {
      expect(decode('92d30000000000000001cf0020000000000000')).to.deep.equal([1, 2n ** 53n]);
      expect(decode('81a178d30000000000000007')).to.deep.equal({ x: 7 });
    });
  });

  it('keeps str and bin apart, and floats as numbers', () => {
    expect(decode('a3616263')).to.equal('abc');
    expect(decode('d903616263')).to.equal('abc');
    const bin = decode('c403616263');
    expect(bin).to.be.instanceOf(Uint8Array);
    expect(Buffer.from(bin as Uint8Array).toString()).to.equal('abc');
    expect(decode('cb3ff8000000000000')).to.equal(1.5);
    expect(decode('ca3fc00000')).to.equal(1.5);
  });

  it('reads maps into plain objects; bin and int keys become strings', () => {
    expect(decode('82a3536571 00 ad536572766963654d6574686f64 a0'.replace(/ /g, ''))).to.deep.equal({
      Seq: 0,
      ServiceMethod: '',
    });
    expect(decode('81c403536571 05'.replace(/ /g, ''))).to.deep.equal({ Seq: 5 });
    expect(decode('8201a178cf0000000000000002a179')).to.deep.equal({ 1: 'x', 2: 'y' });
  });

  it('refuses __proto__ keys, as str or bin, and keys that are not scalars', () => {
    expect(decodeError('81a95f5f70726f746f5f5f01', 'PKR_ERR_MSGPACK_DECODE')).to.include('__proto__');
    expect(decodeError('81c4095f5f70726f746f5f5f01', 'PKR_ERR_MSGPACK_DECODE')).to.include('__proto__');
    expect(decodeError('81c001', 'PKR_ERR_MSGPACK_DECODE')).to.include('map key');
    expect(decodeError('819001', 'PKR_ERR_MSGPACK_DECODE')).to.include('map key');
  });

  it('reads the timestamp ext (−1) in all three sizes as a Date; other exts as ExtData', () => {
    const instant = '2020-12-16T21:03:56.123Z';
    expect((decode('d7ff1d6f34545fda763c') as Date).toISOString()).to.equal(instant);
    expect((decode('d6ff5fda763c') as Date).toISOString()).to.equal('2020-12-16T21:03:56.000Z');
    expect((decode('c70cff075bcd15000000005fda763c') as Date).toISOString()).to.equal(instant);
    const ext = decode('d40507');
    expect(ext).to.be.instanceOf(ExtData);
    expect((ext as ExtData).type).to.equal(5);
    expect(decodeError('d4ff00', 'PKR_ERR_MSGPACK_DECODE')).to.match(/timestamp/i);
  });

  it('refuses the never-used byte c1, trailing bytes and cut values with coded errors', () => {
    expect(decodeError('c1', 'PKR_ERR_MSGPACK_DECODE')).to.include('0xc1');
    expect(decodeError('9201c1', 'PKR_ERR_MSGPACK_DECODE')).to.include('0xc1');
    expect(decodeError('0102', 'PKR_ERR_MSGPACK_DECODE')).to.include('follow');
    for (const cut of ['', '92', '9201', 'a3616', 'd9', 'cd00', 'c60000', 'de0001a0']) {
      decodeError(cut, 'PKR_ERR_MSGPACK_TRUNCATED');
    }
  });

  it('enforces the size and depth limits before decoding', () => {
    decodeError('c6ffffffff', 'PKR_ERR_MSGPACK_TOO_LARGE');
    decodeError('ddffffffff', 'PKR_ERR_MSGPACK_TOO_LARGE');
    decodeError(`c410${'00'.repeat(16)}`, 'PKR_ERR_MSGPACK_TOO_LARGE', { maxBytes: 10 });
    expect(decodeError(`${'91'.repeat(300)}c0`, 'PKR_ERR_MSGPACK_DECODE')).to.include('nest');
    expect(decode(`${'91'.repeat(3)}c0`)).to.deep.equal([[[null]]]);
    decodeError(`${'91'.repeat(4)}c0`, 'PKR_ERR_MSGPACK_DECODE', { maxDepth: 3 });
  });

  it('gives decoded bins their own bytes (not views of the caller’s buffer)', () => {
    const input = Buffer.from('c4026162', 'hex');
    const bin = decodeMsgpack(input) as Uint8Array;
    input.fill(0);
    expect(Buffer.from(bin).toString()).to.equal('ab');
  });
});
