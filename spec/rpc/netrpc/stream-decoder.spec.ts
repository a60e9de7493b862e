import { expect } from 'chai';
import { isSdkError, type ErrorCode } from '../../../errors/index.js';
import { MsgpackStreamDecoder, encodeMsgpack } from '../../../rpc/netrpc/index.js';

function drain(decoder: MsgpackStreamDecoder): unknown[] {
  const out: unknown[] = [];
  for (let next = decoder.next(); next !== undefined; next = decoder.next()) out.push(next.value);
  return out;
}

function expectCode(fn: () => unknown, code: ErrorCode): void {
  expect(fn)
    .to.throw()
    .that.satisfies((err: unknown) => isSdkError(err, code));
}

describe('rpc/netrpc/stream-decoder', () => {
  const messages = [
    { ServiceMethod: 'Builder.Run', Seq: 1 },
    1,
    'x'.repeat(300),
    new Uint8Array(70_000).fill(7),
    null,
    [],
    {},
    [1, [2, [3, { a: [] }]]],
  ];
  const stream = Buffer.concat(messages.map((m) => encodeMsgpack(m)));

  it('yields the same values for one chunk, byte-by-byte, and every two-way split', () => {
    const whole = new MsgpackStreamDecoder();
    whole.push(stream);
    expect(drain(whole)).to.deep.equal(messages);

    const bytewise = new MsgpackStreamDecoder();
    const out: unknown[] = [];
    for (let i = 0; i < stream.length; i++) {
      bytewise.push(stream.subarray(i, i + 1));
      out.push(...drain(bytewise));
    }
    bytewise.finish();
    expect(out).to.deep.equal(messages);

    const small = Buffer.concat(messages.slice(0, 3).map((m) => encodeMsgpack(m)));
    for (let cut = 0; cut <= small.length; cut++) {
      const decoder = new MsgpackStreamDecoder();
      decoder.push(small.subarray(0, cut));
      const values = drain(decoder);
      decoder.push(small.subarray(cut));
      values.push(...drain(decoder));
      expect(values).to.deep.equal(messages.slice(0, 3));
    }
  });

  it('returns nil as { value: null }, distinct from "need more"', () => {
    const decoder = new MsgpackStreamDecoder();
    expect(decoder.next()).to.equal(undefined);
    decoder.push(Buffer.from([0xc0]));
    expect(decoder.next()).to.deep.equal({ value: null });
    expect(decoder.next()).to.equal(undefined);
  });

  it('keeps values it already returned intact when the caller reuses its chunk buffers', () => {
    const decoder = new MsgpackStreamDecoder();
    const chunk = Buffer.from(encodeMsgpack(new Uint8Array([1, 2, 3])));
    decoder.push(chunk);
    const [bin] = drain(decoder) as [Uint8Array];
    chunk.fill(0);
    expect([...bin]).to.deep.equal([1, 2, 3]);
  });

  it('refuses a value larger than maxMessageBytes as soon as its header says so', () => {
    const decoder = new MsgpackStreamDecoder({ maxMessageBytes: 1024 });
    decoder.push(Buffer.from('c6ffffffff', 'hex')); // a 4 GiB bin: only the header has arrived
    expectCode(() => decoder.next(), 'PKR_ERR_MSGPACK_TOO_LARGE');
    // The decoder stays failed.
    expectCode(() => decoder.next(), 'PKR_ERR_MSGPACK_TOO_LARGE');
    expectCode(() => decoder.push(Buffer.from([0])), 'PKR_ERR_MSGPACK_TOO_LARGE');
    expect(decoder.bufferedBytes).to.equal(0);
  });

  it('refuses huge container counts and large values split over many chunks', () => {
    const counts = new MsgpackStreamDecoder({ maxMessageBytes: 1024 });
    counts.push(Buffer.from('dd00100000', 'hex')); // array of 1M elements
    expectCode(() => counts.next(), 'PKR_ERR_MSGPACK_TOO_LARGE');

    const nested = new MsgpackStreamDecoder({ maxMessageBytes: 100 });
    let failed = false;
    for (let i = 0; i < 200 && !failed; i++) {
      nested.push(Buffer.from([0x91]));
      try {
        nested.next();
      } catch (err) {
        expect(
          isSdkError(err, 'PKR_ERR_MSGPACK_TOO_LARGE') || isSdkError(err, 'PKR_ERR_MSGPACK_DECODE'),
        ).to.equal(true);
        failed = true;
      }
    }
    expect(failed).to.equal(true);
    expect(nested.bufferedBytes).to.equal(0);
  });

  it('buffers at most about one message while waiting for the rest of it', () => {
    const limit = 64 * 1024;
    const decoder = new MsgpackStreamDecoder({ maxMessageBytes: limit });
    const big = Buffer.from(encodeMsgpack('y'.repeat(limit - 10)));
    for (let at = 0; at < big.length; at += 1000) {
      decoder.push(big.subarray(at, at + 1000));
      expect(decoder.bufferedBytes).to.be.at.most(limit);
      if (at + 1000 < big.length) expect(decoder.next()).to.equal(undefined);
    }
    expect(decoder.next()?.value).to.have.length(limit - 10);
    expect(decoder.bufferedBytes).to.equal(0);
  });

  it('reports a stream that ends inside a value, and accepts one that ends between values', () => {
    const cut = new MsgpackStreamDecoder();
    cut.push(stream.subarray(0, 20));
    drain(cut);
    expectCode(() => cut.finish(), 'PKR_ERR_MSGPACK_TRUNCATED');

    const clean = new MsgpackStreamDecoder();
    clean.push(stream);
    drain(clean);
    expect(() => clean.finish()).to.not.throw();
  });

  it('names the stream offset of a bad value', () => {
    const decoder = new MsgpackStreamDecoder();
    decoder.push(Buffer.from('0102c1', 'hex'));
    expect(decoder.next()).to.deep.equal({ value: 1 });
    expect(decoder.next()).to.deep.equal({ value: 2 });
    try {
      decoder.next();
      expect.fail('expected PKR_ERR_MSGPACK_DECODE');
    } catch (err) {
      expect(isSdkError(err, 'PKR_ERR_MSGPACK_DECODE')).to.equal(true);
      expect((err as { details: Record<string, unknown> }).details.valueOffset).to.equal(2);
    }
  });
});
