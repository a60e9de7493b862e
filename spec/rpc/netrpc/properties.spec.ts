import { expect } from 'chai';
import fc from 'fast-check';
import {
  MsgpackStreamDecoder,
  RpcClient,
  RpcServer,
  decodeMsgpack,
  encodeMsgpack,
} from '../../../rpc/netrpc/index.js';
import { socketPair } from './support/streams.js';

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Values an RPC can carry: str and bin, ints of every width (bigint beyond 2^53), floats, nesting. */
const { value: rpcValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ minLength: 30, maxLength: 300 }),
    fc.uint8Array({ maxLength: 300 }),
    fc.boolean(),
    fc.constant(null),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.bigInt({ min: INT64_MIN, max: UINT64_MAX }),
    fc.bigInt({ min: SAFE - 3n, max: SAFE + 3n }),
    fc.bigInt({ min: -SAFE - 3n, max: -SAFE + 3n }),
    fc.double(),
    fc.array(tie('value'), { maxLength: 20 }),
    fc.dictionary(
      fc.string({ maxLength: 20 }).filter((k) => k !== '__proto__'),
      tie('value'),
      { maxKeys: 20, noNullPrototype: true },
    ),
  ),
}));

/**
 * What decoding gives back: safe bigints as numbers, −0 as 0 (Go ints have no −0), and whole
 * numbers beyond 2^53 (sent as ints, never floats) as exact bigints.
 */
function expected(value: unknown): unknown {
  if (typeof value === 'bigint') return value >= -SAFE && value <= SAFE ? Number(value) : value;
  if (Object.is(value, -0)) return 0;
  if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    const big = BigInt(value);
    return big >= INT64_MIN && big <= UINT64_MAX ? big : value;
  }
  if (Array.isArray(value)) return value.map(expected);
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expected(v)]));
}

describe('rpc/netrpc: properties', () => {
  it('decode(encode(v)) is v: str vs bin kept, bigint exactly beyond 2^53, negative ints, nesting', () => {
    fc.assert(
      fc.property(rpcValue, (value) => {
        const decoded = decodeMsgpack(encodeMsgpack(value));
        expect(decoded).to.deep.equal(expected(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('an integer decodes to a number exactly when it is within ±(2^53−1)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: UINT64_MAX }), (big) => {
        const decoded = decodeMsgpack(encodeMsgpack(big));
        if (big >= -SAFE && big <= SAFE) expect(decoded).to.equal(Number(big));
        else expect(decoded).to.equal(big);
        // Never a float form for an integer: the 2015 ugorji rejects it (protocol §7 row 6).
        const first = encodeMsgpack(big)[0]!;
        expect(first === 0xca || first === 0xcb).to.equal(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('any chunking of a message stream yields the same messages', () => {
    fc.assert(
      fc.property(
        fc.array(rpcValue, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (values, cuts) => {
          const stream = Buffer.concat(values.map((v) => encodeMsgpack(v)));
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const decoder = new MsgpackStreamDecoder();
          const out: unknown[] = [];
          let from = 0;
          for (const to of [...points, stream.length]) {
            decoder.push(stream.subarray(from, to));
            for (let next = decoder.next(); next; next = decoder.next()) out.push(next.value);
            from = to;
          }
          decoder.finish();
          expect(out).to.deep.equal(values.map(expected));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('an RPC echo over a real socket returns every value as sent', async () => {
    const pair = await socketPair();
    const server = new RpcServer();
    server.register('Echo', { Back: async (args) => args });
    const served = server.serve(pair.right);
    const client = new RpcClient(pair.left);
    try {
      await fc.assert(
        fc.asyncProperty(rpcValue, async (value) => {
          expect(await client.call('Echo.Back', value)).to.deep.equal(expected(value));
        }),
        { numRuns: 300 },
      );
    } finally {
      client.close();
      await pair.close();
      await served;
    }
  });
});
