import { expect } from 'chai';
import { isSdkError } from '../../../errors/index.js';
import {
  ExtData,
  asArray,
  asBool,
  asBytes,
  asFloat64,
  asInt,
  asInt64,
  asOptional,
  asString,
  asStringMap,
  asStruct,
  asTime,
  asUint32,
  asUint64,
  decodeMsgpack,
  describeWireType,
} from '../../../rpc/netrpc/index.js';

/** Runs a narrowing that must fail; returns the error message after checking code and path. */
function rejects(fn: () => unknown, path: string): string {
  try {
    fn();
  } catch (err) {
    expect(isSdkError(err, 'PKR_ERR_RPC_VALUE'), String(err)).to.equal(true);
    expect((err as { details: Record<string, unknown> }).details.path).to.equal(path);
    expect((err as Error).message.startsWith(`${path}: `)).to.equal(true);
    return (err as Error).message;
  }
  return expect.fail('expected PKR_ERR_RPC_VALUE');
}

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));

describe('rpc/netrpc/values', () => {
  it('asString takes str or bin (Go decodes either into a string); nil is ""', () => {
    expect(asString('abc', 'p')).to.equal('abc');
    expect(asString(bytes('abc'), 'p')).to.equal('abc');
    expect(asString(null, 'p')).to.equal('');
    expect(asString(undefined, 'p')).to.equal('');
    expect(rejects(() => asString(5, 'args.Name'), 'args.Name')).to.include('got integer');
    rejects(() => asString({}, 'x'), 'x');
  });

  it('asBytes takes bin or str; nil is empty', () => {
    expect([...asBytes(bytes('ab'), 'p')]).to.deep.equal([0x61, 0x62]);
    expect([...asBytes('ab', 'p')]).to.deep.equal([0x61, 0x62]);
    expect(asBytes(null, 'p')).to.have.length(0);
    rejects(() => asBytes([1], 'Configs[1]'), 'Configs[1]');
  });

  it('asInt takes any int family, bigint in range, and float64 only when integral', () => {
    expect(asInt(5, 'p')).to.equal(5);
    expect(asInt(2222, 'p')).to.equal(2222); // a JSON-template float64 that is whole
    expect(asInt(decodeMsgpack(Buffer.from('cb40a15c0000000000', 'hex')), 'p')).to.equal(2222);
    expect(asInt(-7n, 'p')).to.equal(-7);
    expect(asInt(null, 'p')).to.equal(0);
    expect(rejects(() => asInt(1.5, 'ssh_port'), 'ssh_port')).to.include('fraction');
    expect(rejects(() => asInt(2n ** 53n, 'p'), 'p')).to.include('out of range');
    rejects(() => asInt('5', 'p'), 'p');
    rejects(() => asInt(Number.NaN, 'p'), 'p');
    rejects(() => asInt(true, 'p'), 'p');
  });

  it('asUint32 bounds stream ids to 0..2^32-1', () => {
    expect(asUint32(0xffffffff, 'p')).to.equal(0xffffffff);
    expect(asUint32(3n, 'p')).to.equal(3);
    rejects(() => asUint32(-1, 'StreamId'), 'StreamId');
    rejects(() => asUint32(2 ** 32, 'StreamId'), 'StreamId');
  });

  it('asInt64 and asUint64 are exact bigints over their full ranges', () => {
    expect(asInt64(5_000_000_000, 'p')).to.equal(5_000_000_000n);
    expect(asInt64(-(2n ** 63n), 'p')).to.equal(-(2n ** 63n));
    rejects(() => asInt64(2n ** 63n, 'p'), 'p');
    expect(asUint64(2n ** 64n - 1n, 'p')).to.equal(2n ** 64n - 1n);
    expect(asUint64(null, 'p')).to.equal(0n);
    rejects(() => asUint64(-1, 'p'), 'p');
    rejects(() => asUint64(0.5, 'p'), 'p');
  });

  it('asFloat64 takes every number form; asBool only bools', () => {
    expect(asFloat64(1.5, 'p')).to.equal(1.5);
    expect(asFloat64(3, 'p')).to.equal(3);
    expect(asFloat64(2n ** 60n, 'p')).to.equal(2 ** 60);
    expect(asFloat64(undefined, 'p')).to.equal(0);
    rejects(() => asFloat64('1', 'p'), 'p');
    expect(asBool(true, 'p')).to.equal(true);
    expect(asBool(null, 'p')).to.equal(false);
    rejects(() => asBool(1, 'Keep'), 'Keep');
  });

  it('asArray narrows elements with indexed paths; nil is []', () => {
    expect(asArray(['a', bytes('b')], 'w', asString)).to.deep.equal(['a', 'b']);
    expect(asArray(null, 'w')).to.deep.equal([]);
    rejects(() => asArray(['a', 1], 'reply.Warnings', asString), 'reply.Warnings[1]');
    rejects(() => asArray({}, 'reply.Warnings'), 'reply.Warnings');
  });

  it('asStringMap and asStruct read maps by name into prototype-free records', () => {
    const map = asStringMap({ a: '1', constructor: 'x' }, 'm', asString);
    expect(Object.getPrototypeOf(map)).to.equal(null);
    expect({ ...map }).to.deep.equal({ a: '1', constructor: 'x' });
    rejects(() => asStringMap({ a: 1 }, 'Data', asString), 'Data["a"]');
    const fromMap = asStringMap(new Map<unknown, unknown>([[bytes('k'), 1]]), 'm');
    expect({ ...fromMap }).to.deep.equal({ k: 1 });
    rejects(() => asStringMap(new Map<unknown, unknown>([[1, 1]]), 'm'), 'm key');

    const header = asStruct(
      decodeMsgpack(Buffer.from('83a54572726f72a0a353657100ad536572766963654d6574686f64a0', 'hex')),
      'h',
    );
    expect(header.Seq).to.equal(0);
    expect('toString' in header).to.equal(false);
    expect({ ...asStruct(null, 's') }).to.deep.equal({});
    for (const bad of ['x', 1, [1], new Uint8Array(1), new Date(0), new ExtData(1, new Uint8Array(1))]) {
      rejects(() => asStruct(bad, 'args'), 'args');
    }
  });

  it('asTime reads ext −1, Go MarshalBinary (v1 and v2), nil and the zero time', () => {
    const instant = '2020-12-16T21:03:56.123Z';
    expect(asTime(decodeMsgpack(Buffer.from('d7ff1d6f34545fda763c', 'hex')), 'T')?.toISOString()).to.equal(
      instant,
    );
    const v1 = Buffer.from('010000000ed76c6d3c075bcd15ffff', 'hex');
    expect(asTime(new Uint8Array(v1), 'T')?.toISOString()).to.equal(instant);
    const v2 = Buffer.from('020000000ed76c6d3c075bcd15003c1e', 'hex'); // zone offset +60 min, +30 s
    expect(asTime(new Uint8Array(v2), 'T')?.toISOString()).to.equal(instant);
    expect(asTime(null, 'T')).to.equal(undefined);
    expect(asTime(new Uint8Array(Buffer.from('010000000000000000000000000000', 'hex')), 'T')).to.equal(
      undefined,
    );
    expect(asTime(new Date(-62_135_596_800_000), 'T')).to.equal(undefined);
    expect(rejects(() => asTime(new Uint8Array(14), 'FileInfo.T'), 'FileInfo.T')).to.include('15 or 16');
    rejects(() => asTime(new Uint8Array(Buffer.from('010000000ed76c6d3c7fffffffffff', 'hex')), 'T'), 'T');
    rejects(() => asTime(new Date(Number.NaN), 'T'), 'T');
    rejects(() => asTime('2020', 'T'), 'T');
  });

  it('asOptional maps nil to undefined (Go pointers such as *BasicError)', () => {
    expect(asOptional(null, 'Error', asStruct)).to.equal(undefined);
    expect({ ...asOptional({ Message: 'm' }, 'Error', asStruct) }).to.deep.equal({ Message: 'm' });
  });

  it('names wire types for messages', () => {
    const names = [null, 's', true, 1, 1.5, 1n, new Uint8Array(), new Date(), [], {}].map(describeWireType);
    expect(names).to.deep.equal([
      'nil',
      'string',
      'bool',
      'integer',
      'float',
      'integer',
      'bytes',
      'time',
      'array',
      'map',
    ]);
  });
});
