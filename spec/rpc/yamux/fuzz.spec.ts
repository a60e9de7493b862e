import { expect } from 'chai';
import { Duplex } from 'node:stream';
import { isSdkError } from '../../../errors/index.js';
import { encodeFrame, FrameType, HEADER_SIZE, type FrameInput } from '../../../rpc/yamux/frame.js';
import { YamuxSession } from '../../../rpc/yamux/session.js';
import type { YamuxStream } from '../../../rpc/yamux/stream.js';
import { ALL_TRACES, traceStream } from './support/traces.js';

/** A connection in memory: the spec pushes the peer's bytes in, and counts what the session writes. */
class MemoryConn extends Duplex {
  written = 0;

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.written += chunk.length;
    callback();
  }
}

/** mulberry32: small, fast, and reproducible from the printed seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Offsets of the frame headers in a well-formed byte stream. */
function headerOffsets(bytes: Buffer): number[] {
  const offsets: number[] = [];
  for (let offset = 0; offset + HEADER_SIZE <= bytes.length;) {
    offsets.push(offset);
    const length = bytes[offset + 1] === FrameType.Data ? bytes.readUInt32BE(offset + 8) : 0;
    offset += HEADER_SIZE + length;
  }
  return offsets;
}

interface Corpus {
  readonly bytes: Buffer;
  readonly headers: number[];
  readonly role: 'client' | 'server';
}

const SEED = Number(process.env['YAMUX_FUZZ_SEED'] ?? 0x5eed);
const INPUTS = Number(process.env['YAMUX_FUZZ_INPUTS'] ?? 100_000);
const INTERESTING_LENGTHS = [0, 1, 4, 0x7fff, 0x20000, 0x3ffff, 0x40000, 0x40001, 0x7fffffff, 0xffffffff];

describe('rpc/yamux fuzz: random and mutated Packer traffic into a session', () => {
  it(`settles ${INPUTS} inputs with no exception, no hang and bounded output (seed ${SEED})`, async function () {
    this.timeout(180_000);
    const random = prng(SEED);
    const int = (n: number): number => Math.floor(random() * n);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
    const corpora: Corpus[] = ALL_TRACES.flatMap((name) =>
      (['core->plugin', 'plugin->core'] as const).map((dir) => {
        const bytes = traceStream(name, dir);
        // Core→plugin bytes are what a plugin (yamux server) reads; the other way round, a client.
        return {
          bytes,
          headers: headerOffsets(bytes),
          role: dir === 'core->plugin' ? 'server' : 'client',
        } as const;
      }),
    );

    const mutations: ((c: Corpus) => Buffer)[] = [
      (c) => {
        const out = Buffer.from(c.bytes.subarray(0, 1 + int(c.bytes.length)));
        for (let i = 1 + int(8); i > 0; i--) out[int(out.length)]! ^= 1 << int(8);
        return out;
      },
      (c) => c.bytes.subarray(0, int(c.bytes.length + 1)),
      (c) => {
        const other = pick(corpora).bytes;
        return Buffer.concat([c.bytes.subarray(0, int(c.bytes.length)), other.subarray(int(other.length))]);
      },
      (c) => withField(c, 8, () => (random() < 0.7 ? pick(INTERESTING_LENGTHS) : int(0x100000000)), 4),
      (c) => withField(c, 2, () => int(16), 2),
      (c) => withField(c, 4, () => (random() < 0.8 ? int(10) : int(0x100000000)), 4),
      (c) => withField(c, 1, () => int(6), 1),
      (c) => withField(c, 0, () => (random() < 0.5 ? 1 : int(256)), 1),
      () => Buffer.from(Array.from({ length: int(256) }, () => int(256))),
      () => Buffer.concat(Array.from({ length: 1 + int(30) }, () => encodeFrame(randomFrame()))),
      (c) => {
        const at = pick(c.headers) ?? 0;
        const end = c.headers.find((h) => h > at) ?? c.bytes.length;
        const frame = c.bytes.subarray(at, end);
        return Buffer.concat([c.bytes.subarray(0, end), ...Array.from({ length: 1 + int(4) }, () => frame)]);
      },
      (c) => {
        const at = int(c.bytes.length);
        const noise = Buffer.from(Array.from({ length: 1 + int(16) }, () => int(256)));
        return Buffer.concat([c.bytes.subarray(0, at), noise, c.bytes.subarray(at)]);
      },
    ];

    function withField(c: Corpus, offset: number, value: () => number, size: 1 | 2 | 4): Buffer {
      const out = Buffer.from(c.bytes);
      for (let i = 1 + int(3); i > 0 && c.headers.length > 0; i--) {
        const at = pick(c.headers) + offset;
        if (size === 1) out.writeUInt8(value() & 0xff, at);
        else if (size === 2) out.writeUInt16BE(value() & 0xffff, at);
        else out.writeUInt32BE(value() >>> 0, at);
      }
      return out;
    }

    function randomFrame(): FrameInput {
      const type = pick([
        FrameType.Data,
        FrameType.Data,
        FrameType.WindowUpdate,
        FrameType.WindowUpdate,
        2,
        3,
      ] as const);
      const flags = random() < 0.8 ? pick([0, 1, 2, 4, 8, 5, 3, 12]) : int(0x10000);
      const streamId = random() < 0.9 ? int(10) : int(0x100000000);
      if (type === FrameType.Data) {
        const size = random() < 0.002 ? 0x40000 + int(2) : int(64);
        return { type, flags, streamId, payload: Buffer.alloc(size, int(256)) };
      }
      return { type, flags, streamId, length: random() < 0.5 ? pick(INTERESTING_LENGTHS) : int(0x100000000) };
    }

    const problems: string[] = [];
    let streamsSeen = 0;
    let inputBytes = 0;
    for (let n = 0; n < INPUTS; n++) {
      const corpus = pick(corpora);
      const input = n % 10 === 0 ? corpus.bytes : pick(mutations)(corpus);
      inputBytes += input.length;
      const conn = new MemoryConn();
      const session = new YamuxSession(conn, {
        role: corpus.role,
        keepAliveIntervalMs: 0,
        acceptBacklog: 1 + int(4),
        streamCloseTimeoutMs: 0,
      });
      const settled = new Promise<Error | undefined>((resolve) => session.once('close', resolve));
      session.on('stream', (stream) => {
        streamsSeen++;
        drive(stream, int(5));
      });
      if (corpus.role === 'client') {
        // Streams of our own, so that ACK/RST/FIN frames from the input find something to act on.
        for (let i = int(3); i > 0; i--) session.open().then((s) => drive(s, int(5)), noop);
        session.ping().catch(noop);
      }
      let offset = 0;
      while (offset < input.length) {
        const size = random() < 0.3 ? input.length - offset : 1 + int(Math.min(input.length - offset, 512));
        conn.push(input.subarray(offset, offset + size));
        offset += size;
      }
      conn.push(null);
      const outcome = await settledWithin(settled, 50);
      if (outcome === 'hang') {
        problems.push(`input ${n} did not settle: ${input.subarray(0, 64).toString('hex')}`);
        session.destroy();
      } else if (outcome !== undefined && !isSdkError(outcome)) {
        problems.push(`input ${n} closed with an uncoded error: ${String(outcome)}`);
      }
      if (conn.written > 4 * input.length + 64) {
        problems.push(`input ${n}: ${conn.written} bytes written for ${input.length} read`);
      }
      if (problems.length > 10) break;
    }
    expect(problems).to.deep.equal([]);
    // The inputs reached the stream layer, not just the header checks.
    expect(streamsSeen).to.be.greaterThan(INPUTS / 10);
    expect(inputBytes).to.be.greaterThan(INPUTS * 100);

    /** What an application might do with a stream: read, echo, half-close, reset, or ignore it. */
    function drive(stream: YamuxStream, behaviour: number): void {
      stream.on('error', noop);
      if (behaviour === 0) stream.resume();
      else if (behaviour === 1) stream.pipe(stream);
      else if (behaviour === 2) stream.end('bye');
      else if (behaviour === 3) stream.destroy();
    }
  });
});

function noop(): void {}

/** The session's close, or 'hang' if it has not come after `turns` trips round the event loop. */
async function settledWithin(
  settled: Promise<Error | undefined>,
  turns: number,
): Promise<Error | undefined | 'hang'> {
  let done = false;
  let outcome: Error | undefined;
  void settled.then((err) => {
    done = true;
    outcome = err;
  });
  for (let i = 0; i < turns && !done; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  return done ? outcome : 'hang';
}
