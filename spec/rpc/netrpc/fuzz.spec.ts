import { expect } from 'chai';
import { isSdkError } from '../../../errors/index.js';
import {
  MsgpackStreamDecoder,
  RpcServer,
  asArray,
  asBytes,
  asInt,
  asString,
  asStruct,
  asTime,
  asUint32,
  encodeMsgpack,
  readResponseHeader,
  type RpcLogger,
} from '../../../rpc/netrpc/index.js';
import { traceStreams } from '../../support/traces.js';
import { MemoryStream } from './support/streams.js';
import { readVectors } from './support/vectors.js';

// Mutated real inputs (Go vectors and raw trace streams) fed to the stream decoder and to a
// server: every failure must be a coded error, nothing may hang or buffer without bound.

const RUNS = 100_000;
const LIMIT = 64 * 1024;
const DECODER_CODES = new Set([
  'PKR_ERR_MSGPACK_DECODE',
  'PKR_ERR_MSGPACK_TOO_LARGE',
  'PKR_ERR_MSGPACK_TRUNCATED',
]);
const SERVER_CODES = new Set([...DECODER_CODES, 'PKR_ERR_RPC_HEADER']);

/** xorshift32: deterministic, so a failing input can be replayed from its index. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

function seeds(): Buffer[] {
  const out: Buffer[] = [];
  for (const file of ['debianPacker166', 'debianSdk', 'ugorji2015'] as const) {
    for (const vector of readVectors(file).values()) out.push(vector.request, vector.response);
  }
  const raw = traceStreams('packer-1.6.6-traces/json-template/packer-builder-tapnull.jsonl');
  for (const bytes of raw.values())
    if (bytes.length > 4 && bytes.length < 20_000) out.push(bytes.subarray(4));
  out.push(Buffer.from(encodeMsgpack({ a: [1, 2n ** 60n, 1.5, 'x'.repeat(40), new Uint8Array(300)] })));
  return out;
}

const INTERESTING = [
  0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc4, 0xc6, 0xc7, 0xc9, 0xcf, 0xd3, 0xd4, 0xd8,
  0xd9, 0xdb, 0xdd, 0xdf, 0xe0, 0xff,
];
const HUGE_HEADERS = [
  'c6ffffffff',
  'dbffffffff',
  'ddffffffff',
  'dfffffffff',
  'c9ffffffffff',
  'c5ffff',
  'dc0fff',
].map((h) => Buffer.from(h, 'hex'));

function mutate(input: Buffer, pool: Buffer[], rnd: () => number): Buffer {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  let out = Buffer.from(input);
  const rounds = 1 + Math.floor(rnd() * 3);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(rnd() * (out.length + 1));
    switch (Math.floor(rnd() * 7)) {
      case 0: // truncate
        out = out.subarray(0, at);
        break;
      case 1: // flip bits
        for (let k = 0; k < 1 + rnd() * 4 && out.length > 0; k++) {
          const i = Math.floor(rnd() * out.length);
          out[i] = out[i]! ^ (1 << Math.floor(rnd() * 8));
        }
        break;
      case 2: // an interesting byte
        if (out.length > 0) out[Math.min(at, out.length - 1)] = pick(INTERESTING);
        break;
      case 3: // a header claiming a huge length
        out = Buffer.concat([out.subarray(0, at), pick(HUGE_HEADERS), out.subarray(at)]);
        break;
      case 4: // splice with another input
        out = Buffer.concat([out.subarray(0, at), pick(pool).subarray(Math.floor(rnd() * 40))]);
        break;
      case 5: // duplicate a region
        out = Buffer.concat([
          out.subarray(0, at),
          out.subarray(Math.floor(rnd() * out.length)),
          out.subarray(at),
        ]);
        break;
      default: // random bytes
        out = Buffer.concat([
          out.subarray(0, at),
          Buffer.from(Array.from({ length: 1 + rnd() * 16 }, () => Math.floor(rnd() * 256))),
        ]);
    }
  }
  return out.subarray(0, 200_000);
}

function* chunked(bytes: Buffer, rnd: () => number): Generator<Buffer> {
  for (let at = 0; at < bytes.length;) {
    const size = rnd() < 0.3 ? bytes.length : 1 + Math.floor(rnd() * 64);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

function codeOf(err: unknown, allowed: Set<string>, context: string): string {
  if (!isSdkError(err) || !allowed.has(err.code)) {
    throw new Error(`${context}: uncoded or unexpected failure: ${String(err)}`, { cause: err });
  }
  return err.code;
}

/** Handlers that narrow their args the way service adapters will. */
function fuzzServer(onLog: RpcLogger): RpcServer {
  const server = new RpcServer({ maxMessageBytes: LIMIT, onLog });
  const narrowAll = async (args: unknown): Promise<unknown> => {
    const fields = asStruct(args, 'args');
    return {
      configs: asArray(fields.Configs, 'args.Configs').length,
      name: asString(fields.Name, 'args.Name'),
      id: asUint32(fields.StreamId, 'args.StreamId'),
      size: asInt(fields.TotalSize, 'args.TotalSize'),
      spec: asBytes(fields.ConfigSpec, 'args.ConfigSpec'),
      t: asTime(asStruct(fields.FileInfo, 'args.FileInfo').T, 'args.FileInfo.T') === undefined,
    };
  };
  const echo = async (args: unknown): Promise<unknown> => args;
  server.register('Builder', {
    Prepare: narrowAll,
    ConfigSpec: echo,
    Run: async (a) => asUint32(a, 'id'),
    Cancel: echo,
  });
  server.register('Ui', {
    Say: async (a) => asString(a, 'msg'),
    Ask: echo,
    Machine: narrowAll,
    NewTrackProgress: narrowAll,
  });
  server.register('Artifact', {
    Files: echo,
    State: echo,
    Destroy: async () => Promise.reject(new Error('nope')),
  });
  server.register('Communicator', { Start: narrowAll, Upload: narrowAll });
  server.register('Hook', { Run: narrowAll });
  server.register('PostProcessor', { PostProcess: echo });
  return server;
}

describe('rpc/netrpc: fuzz (mutated Packer inputs)', function () {
  this.timeout(120_000);
  const pool = seeds();

  it(`stream decoder: ${RUNS} mutated inputs, only coded errors, bounded buffering`, () => {
    const rnd = random(0x5eed);
    const codes = new Map<string, number>();
    let values = 0;
    for (let run = 0; run < RUNS; run++) {
      const input = mutate(pool[run % pool.length]!, pool, rnd);
      const decoder = new MsgpackStreamDecoder({ maxMessageBytes: LIMIT });
      let outcome = 'ok';
      try {
        for (const chunk of chunked(input, rnd)) {
          decoder.push(chunk);
          for (let next = decoder.next(); next; next = decoder.next()) values++;
          // At most one partial value plus the chunk that just arrived.
          expect(decoder.bufferedBytes).to.be.at.most(LIMIT + chunk.length);
        }
        decoder.finish();
      } catch (err) {
        outcome = codeOf(err, DECODER_CODES, `run ${run}`);
      }
      codes.set(outcome, (codes.get(outcome) ?? 0) + 1);
    }
    // The mutations must reach every outcome, or the fuzz proves little.
    expect([...codes.keys()]).to.include.members(['ok', ...DECODER_CODES]);
    expect(values).to.be.greaterThan(RUNS);
  });

  it(`server: ${RUNS} mutated request streams, no crash or hang, every reply well-formed`, async () => {
    const rnd = random(0xfa11);
    const errors = new Map<string, number>();
    let replies = 0;
    const log: RpcLogger = (level, message, details) => {
      if (level !== 'error') return;
      const code = String(details?.code);
      if (!SERVER_CODES.has(code)) throw new Error(`unexpected protocol error log: ${message}`);
      errors.set(code, (errors.get(code) ?? 0) + 1);
    };
    const server = fuzzServer(log);
    const requests = pool.filter((_, i) => i % 2 === 0 && i < 102);
    const heapBefore = process.memoryUsage().heapUsed;
    for (let run = 0; run < RUNS; run++) {
      const input = mutate(requests[run % requests.length]!, requests, rnd);
      const stream = new MemoryStream();
      const served = server.serve(stream);
      for (const chunk of chunked(input, rnd)) stream.feed(chunk);
      stream.endInput();
      await served;
      for (const reply of stream.written) {
        const decoder = new MsgpackStreamDecoder();
        decoder.push(reply);
        const header = decoder.next();
        const body = decoder.next();
        expect(header !== undefined && body !== undefined && decoder.next() === undefined).to.equal(true);
        readResponseHeader(header!.value);
        replies++;
      }
    }
    expect(replies).to.be.greaterThan(RUNS / 4);
    expect([...errors.keys()]).to.include.members(['PKR_ERR_RPC_HEADER', 'PKR_ERR_MSGPACK_TRUNCATED']);
    expect(process.memoryUsage().heapUsed - heapBefore).to.be.below(512 * 1024 * 1024);
  });
});
