import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { isSdkError } from '../../../errors/index.js';
import { FrameDecoder, type FrameParts } from '../../../rpc/yamux/frame-decoder.js';
import {
  encodeFrame,
  encodeHeader,
  Flag,
  FrameType,
  HEADER_SIZE,
  type Frame,
  type FrameHeader,
} from '../../../rpc/yamux/frame.js';
import { splitAt } from '../../support/split-at.js';
import { arbFrame } from './support/arbitraries.js';
import { traceStream, tracePath, type Direction } from './support/traces.js';

function plain(frames: readonly Frame[]): unknown[] {
  return frames.map((f) => ({ ...f, payload: Buffer.from(f.payload).toString('hex') }));
}

function expectCode(fn: () => unknown, code: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(isSdkError(caught), String(caught)).to.equal(true);
  expect((caught as { code: string }).code).to.equal(code);
}

describe('rpc/yamux/frame-decoder', () => {
  it('yields frames from a header split byte by byte and a payload split across reads', () => {
    const bytes = Buffer.concat([
      encodeFrame({ type: FrameType.WindowUpdate, flags: Flag.SYN, streamId: 1 }),
      encodeFrame({ type: FrameType.Data, streamId: 1, payload: Buffer.from('hello world') }),
    ]);
    const decoder = new FrameDecoder();
    const frames: Frame[] = [];
    for (const byte of bytes) decoder.push(Buffer.from([byte]), (frame) => frames.push(frame));
    expect(plain(frames)).to.deep.equal([
      { type: FrameType.WindowUpdate, flags: Flag.SYN, streamId: 1, length: 0, payload: '' },
      {
        type: FrameType.Data,
        flags: 0,
        streamId: 1,
        length: 11,
        payload: Buffer.from('hello world').toString('hex'),
      },
    ]);
    expect(decoder.bufferedBytes).to.equal(0);
  });

  it('gives non-Data frames an empty payload even when their length is large', () => {
    const decoder = new FrameDecoder();
    const frames = decoder.decode(
      encodeHeader({ type: FrameType.WindowUpdate, flags: 0, streamId: 3, length: 0xffffffff }),
    );
    expect(frames).to.have.length(1);
    expect(frames[0]!.payload.length).to.equal(0);
    expect(frames[0]!.length).to.equal(0xffffffff);
  });

  it('rejects an oversized Data frame as soon as its header is complete, holding no payload', () => {
    const decoder = new FrameDecoder({ maxDataLength: 1000 });
    const header = encodeHeader({ type: FrameType.Data, flags: 0, streamId: 1, length: 1001 });
    decoder.decode(header.subarray(0, 11));
    expectCode(() => decoder.decode(header.subarray(11)), 'PKR_ERR_YAMUX_FRAME_TOO_LARGE');
    expect(decoder.bufferedBytes).to.equal(0);
    // A frame of exactly the limit is fine.
    const ok = new FrameDecoder({ maxDataLength: 1000 });
    expect(
      ok.decode(encodeFrame({ type: FrameType.Data, streamId: 1, payload: Buffer.alloc(1000) })),
    ).to.have.length(1);
  });

  it('defaults the Data limit to the 256 KiB window', () => {
    const decoder = new FrameDecoder();
    expect(decoder.maxDataLength).to.equal(262144);
    expectCode(
      () => decoder.decode(encodeHeader({ type: FrameType.Data, flags: 0, streamId: 1, length: 262145 })),
      'PKR_ERR_YAMUX_FRAME_TOO_LARGE',
    );
  });

  it('delivers the frames before a bad header, then fails and stays failed', () => {
    const decoder = new FrameDecoder();
    const good = encodeFrame({ type: FrameType.Ping, flags: Flag.SYN, length: 9 });
    const badVersion = Buffer.from('010000000000000100000000', 'hex');
    const frames: Frame[] = [];
    expectCode(
      () => decoder.push(Buffer.concat([good, badVersion]), (frame) => frames.push(frame)),
      'PKR_ERR_YAMUX_BAD_VERSION',
    );
    expect(frames).to.have.length(1);
    expect(decoder.failure?.code).to.equal('PKR_ERR_YAMUX_BAD_VERSION');
    expectCode(() => decoder.decode(good), 'PKR_ERR_YAMUX_BAD_VERSION');
    expect(decoder.bufferedBytes).to.equal(0);
  });

  it('rejects an unknown message type split across reads', () => {
    const decoder = new FrameDecoder();
    const bad = Buffer.from('000700000000000000000000', 'hex');
    decoder.decode(bad.subarray(0, 5));
    expectCode(() => decoder.decode(bad.subarray(5)), 'PKR_ERR_YAMUX_BAD_TYPE');
  });

  it('keeps undecoded bytes when the frame callback throws, and goes on afterwards', () => {
    const decoder = new FrameDecoder();
    const bytes = Buffer.concat([
      encodeFrame({ type: FrameType.Ping, flags: Flag.SYN, length: 1 }),
      encodeFrame({ type: FrameType.Ping, flags: Flag.SYN, length: 2 }),
    ]);
    expect(() =>
      decoder.push(bytes, () => {
        throw new Error('handler failed');
      }),
    ).to.throw('handler failed');
    expect(decoder.bufferedBytes).to.equal(HEADER_SIZE);
    expect(decoder.decode(Buffer.alloc(0)).map((f) => f.length)).to.deep.equal([2]);
  });

  it('yields the same frames however the byte stream is cut (property)', () => {
    fc.assert(
      fc.property(
        fc.array(arbFrame, { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (inputs, cuts) => {
          const encoded = inputs.map((input) => encodeFrame(input));
          const whole = new FrameDecoder({ maxDataLength: 1000 }).decode(Buffer.concat(encoded));
          const decoder = new FrameDecoder({ maxDataLength: 1000 });
          const pieces: Frame[] = [];
          for (const piece of splitAt(Buffer.concat(encoded), cuts)) {
            decoder.push(piece, (frame) => pieces.push(frame));
            expect(decoder.bufferedBytes).to.be.at.most(HEADER_SIZE + 1000);
          }
          expect(plain(pieces)).to.deep.equal(plain(whole));
          expect(whole.map((f) => encodeFrame(f).toString('hex'))).to.deep.equal(
            encoded.map((b) => b.toString('hex')),
          );
          expect(decoder.bufferedBytes).to.equal(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never holds more than one frame of bytes, whatever arrives (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 40 }), (chunks) => {
        const decoder = new FrameDecoder({ maxDataLength: 128 });
        for (const chunk of chunks) {
          try {
            decoder.decode(chunk);
          } catch (err) {
            expect(isSdkError(err), String(err)).to.equal(true);
            return;
          }
          expect(decoder.bufferedBytes).to.be.below(HEADER_SIZE + 128);
        }
      }),
      { numRuns: 1000 },
    );
  });

  describe('pushParts (what the session uses)', () => {
    /** A copy with an ArrayBuffer of its own and of exactly its size, as a socket read is. */
    const socketChunk = (bytes: Uint8Array): Buffer => {
      const chunk = Buffer.alloc(bytes.length);
      chunk.set(bytes);
      return chunk;
    };
    const partsOf = (decoder: FrameDecoder, chunks: readonly Buffer[]): FrameParts[] => {
      const frames: FrameParts[] = [];
      for (const chunk of chunks) decoder.pushParts(chunk, (frame) => frames.push(frame));
      return frames;
    };

    it('yields the frames push yields, the payload as non-empty pieces in order (property)', () => {
      fc.assert(
        fc.property(
          fc.array(arbFrame, { maxLength: 20 }),
          fc.array(fc.nat(), { maxLength: 30 }),
          (inputs, cuts) => {
            const bytes = Buffer.concat(inputs.map((input) => encodeFrame(input)));
            const whole = new FrameDecoder({ maxDataLength: 1000 }).decode(bytes);
            const decoder = new FrameDecoder({ maxDataLength: 1000 });
            const frames = partsOf(decoder, splitAt(bytes, cuts).map(socketChunk));
            const header = (f: FrameHeader): FrameHeader => ({
              type: f.type,
              flags: f.flags,
              streamId: f.streamId,
              length: f.length,
            });
            expect(frames.map(header)).to.deep.equal(whole.map(header));
            frames.forEach((frame, i) => {
              for (const part of frame.parts) expect(part.length).to.be.greaterThan(0);
              expect(Buffer.concat(frame.parts).toString('hex')).to.equal(whole[i]!.payload.toString('hex'));
            });
            expect(decoder.bufferedBytes).to.equal(0);
          },
        ),
        { numRuns: 500 },
      );
    });

    it('hands out a payload that fills its socket chunk as a view, without copying', () => {
      const payload = Buffer.alloc(1000, 0xab);
      const chunk = socketChunk(encodeFrame({ type: FrameType.Data, streamId: 1, payload }));
      const [frame] = partsOf(new FrameDecoder(), [chunk]);
      expect(frame!.parts).to.have.length(1);
      expect(frame!.parts[0]!.buffer).to.equal(chunk.buffer);
      expect(frame!.parts[0]!.equals(payload)).to.equal(true);
    });

    it('hands out a large payload cut across reads as views of each read', () => {
      const payload = Buffer.alloc(200_000);
      for (let i = 0; i < payload.length; i++) payload[i] = i % 251;
      const bytes = encodeFrame({ type: FrameType.Data, streamId: 1, payload });
      const chunks = [0, 65536, 131072, 196608].map((at) => socketChunk(bytes.subarray(at, at + 65536)));
      const [frame] = partsOf(new FrameDecoder(), chunks);
      expect(frame!.parts.map((part) => part.length)).to.deep.equal([
        65536 - HEADER_SIZE,
        65536,
        65536,
        3404,
      ]);
      frame!.parts.forEach((part, i) => expect(part.buffer).to.equal(chunks[i]!.buffer));
      expect(Buffer.concat(frame!.parts).equals(payload)).to.equal(true);
    });

    it('copies small payloads out of a large read, so that they do not keep it in memory', () => {
      const payloads = Array.from({ length: 60 }, (_, i) => Buffer.alloc(1000 + i, i));
      const chunk = socketChunk(
        Buffer.concat(payloads.map((payload) => encodeFrame({ type: FrameType.Data, streamId: 1, payload }))),
      );
      const frames = partsOf(new FrameDecoder(), [chunk]);
      expect(frames).to.have.length(60);
      frames.forEach((frame, i) => {
        expect(frame.parts).to.have.length(1);
        expect(frame.parts[0]!.buffer).to.not.equal(chunk.buffer);
        expect(frame.parts[0]!.equals(payloads[i]!)).to.equal(true);
      });
    });

    it('joins a small payload cut across two large reads into a copy, and slices the large ones around it', () => {
      const data = (streamId: number, payload: Buffer): Buffer =>
        encodeFrame({ type: FrameType.Data, streamId, payload });
      const small = Buffer.alloc(100, 7);
      const bytes = Buffer.concat([
        data(1, Buffer.alloc(40_000, 1)),
        data(3, small),
        data(1, Buffer.alloc(40_000, 2)),
      ]);
      const at = HEADER_SIZE + 40_000 + HEADER_SIZE + 50;
      const chunks = [socketChunk(bytes.subarray(0, at)), socketChunk(bytes.subarray(at))];
      const frames = partsOf(new FrameDecoder(), chunks);
      expect(frames.map((frame) => frame.parts.length)).to.deep.equal([1, 1, 1]);
      const [first, cut, last] = frames.map((frame) => frame.parts[0]!);
      expect(first!.buffer).to.equal(chunks[0]!.buffer);
      expect(last!.buffer).to.equal(chunks[1]!.buffer);
      expect(cut!.buffer).to.not.equal(chunks[0]!.buffer);
      expect(cut!.buffer).to.not.equal(chunks[1]!.buffer);
      expect(cut!.equals(small)).to.equal(true);
    });
  });

  describe('on the real Packer 1.6.6 bytes (json-template builder trace)', () => {
    const decodedTxt = readFileSync(tracePath('json-template/packer-builder-tapnull.decoded.txt'), 'utf8');
    // "frame 0    core->plugin  hdr=000100010000000100000000 type=WindowUpdate flags=SYN ..."
    const listed = [
      ...decodedTxt.matchAll(/^frame \d+\s+(core->plugin|plugin->core)\s+hdr=([0-9a-f]{24})/gm),
    ].map((m) => ({ dir: m[1] as Direction, hdr: m[2]! }));

    for (const dir of ['core->plugin', 'plugin->core'] as const) {
      it(`decodes ${dir} into exactly the frame headers listed in .decoded.txt`, () => {
        const expected = listed.filter((f) => f.dir === dir).map((f) => f.hdr);
        expect(expected.length).to.be.greaterThan(50);
        const frames = new FrameDecoder().decode(
          traceStream('json-template/packer-builder-tapnull.jsonl', dir),
        );
        expect(frames.map((f) => encodeHeader(f).toString('hex'))).to.deep.equal(expected);
      });
    }

    it('spot-checks a handful of headers field by field', () => {
      const core = new FrameDecoder().decode(
        traceStream('json-template/packer-builder-tapnull.jsonl', 'core->plugin'),
      );
      const plugin = new FrameDecoder().decode(
        traceStream('json-template/packer-builder-tapnull.jsonl', 'plugin->core'),
      );
      expect(core[0]).to.include({ type: FrameType.WindowUpdate, flags: Flag.SYN, streamId: 1, length: 0 });
      expect(core[1]).to.include({ type: FrameType.Data, flags: 0, streamId: 1, length: 4 });
      expect(core[1]!.payload.toString('hex')).to.equal('00000000');
      expect(core[2]).to.include({ type: FrameType.Data, streamId: 1, length: 360 });
      // 82 ad "ServiceMethod" af "Builder.Prepare": the msgpack request header.
      expect(core[2]!.payload.subarray(0, 3).toString('hex')).to.equal('82ad53');
      expect(plugin[0]).to.include({ type: FrameType.WindowUpdate, flags: Flag.ACK, streamId: 1, length: 0 });
      expect(plugin[3]).to.include({ type: FrameType.WindowUpdate, flags: Flag.SYN, streamId: 2 });
      const fin = core.find((f) => f.flags === Flag.FIN);
      expect(fin).to.include({ type: FrameType.WindowUpdate, streamId: 4, length: 0 });
    });
  });
});
