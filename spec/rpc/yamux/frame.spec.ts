import { expect } from 'chai';
import fc from 'fast-check';
import { isSdkError } from '../../../errors/index.js';
import {
  decodeHeader,
  encodeFrame,
  encodeHeader,
  flagNames,
  Flag,
  FrameType,
  frameTypeName,
  type FrameHeader,
} from '../../../rpc/yamux/frame.js';

/** Runs `fn` and returns the coded error it throws. */
function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isSdkError(err)) return err.code;
    throw err;
  }
  throw new Error('expected a coded error');
}

const arbHeader: fc.Arbitrary<FrameHeader> = fc.record({
  type: fc.constantFrom(FrameType.Data, FrameType.WindowUpdate, FrameType.Ping, FrameType.GoAway),
  flags: fc.integer({ min: 0, max: 0xffff }),
  streamId: fc.integer({ min: 0, max: 0xffffffff }),
  length: fc.integer({ min: 0, max: 0xffffffff }),
});

describe('rpc/yamux/frame', () => {
  // Headers as they appear in the Packer 1.6.6 traces (see the .decoded.txt files).
  const table: { name: string; hex: string; header: FrameHeader }[] = [
    {
      name: 'core opens stream 1 (WindowUpdate+SYN, delta 0)',
      hex: '000100010000000100000000',
      header: { type: FrameType.WindowUpdate, flags: Flag.SYN, streamId: 1, length: 0 },
    },
    {
      name: 'plugin accepts stream 1 (WindowUpdate+ACK)',
      hex: '000100020000000100000000',
      header: { type: FrameType.WindowUpdate, flags: Flag.ACK, streamId: 1, length: 0 },
    },
    {
      name: 'broker id on stream 1 (Data, 4 bytes)',
      hex: '000000000000000100000004',
      header: { type: FrameType.Data, flags: 0, streamId: 1, length: 4 },
    },
    {
      name: 'Builder.Prepare request (Data, 360 bytes)',
      hex: '000000000000000100000168',
      header: { type: FrameType.Data, flags: 0, streamId: 1, length: 360 },
    },
    {
      name: 'half-close of stream 4 (WindowUpdate+FIN)',
      hex: '000100040000000400000000',
      header: { type: FrameType.WindowUpdate, flags: Flag.FIN, streamId: 4, length: 0 },
    },
    {
      name: 'window update of 128 KiB on stream 10',
      hex: '000100000000000a00020000',
      header: { type: FrameType.WindowUpdate, flags: 0, streamId: 10, length: 0x20000 },
    },
    {
      name: 'keep-alive ping 7',
      hex: '000200010000000000000007',
      header: { type: FrameType.Ping, flags: Flag.SYN, streamId: 0, length: 7 },
    },
    {
      name: 'ping answer 7',
      hex: '000200020000000000000007',
      header: { type: FrameType.Ping, flags: Flag.ACK, streamId: 0, length: 7 },
    },
    {
      name: 'GoAway protocol error',
      hex: '000300000000000000000001',
      header: { type: FrameType.GoAway, flags: 0, streamId: 0, length: 1 },
    },
    {
      name: 'reset stream 0xfffffffd',
      hex: '00010008fffffffd00000000',
      header: { type: FrameType.WindowUpdate, flags: Flag.RST, streamId: 0xfffffffd, length: 0 },
    },
  ];

  for (const { name, hex, header } of table) {
    it(`encodes and decodes: ${name}`, () => {
      expect(encodeHeader(header).toString('hex')).to.equal(hex);
      expect(decodeHeader(Buffer.from(hex, 'hex'))).to.deep.equal(header);
    });
  }

  it('decodes a header at an offset inside a larger buffer', () => {
    const bytes = Buffer.from('ffff' + '000100020000000300000000' + 'ee', 'hex');
    expect(decodeHeader(bytes, 2)).to.deep.equal({
      type: FrameType.WindowUpdate,
      flags: Flag.ACK,
      streamId: 3,
      length: 0,
    });
  });

  const bad: { name: string; hex: string; code: string }[] = [
    { name: 'version 1', hex: '010000000000000100000000', code: 'PKR_ERR_YAMUX_BAD_VERSION' },
    { name: 'version 255', hex: 'ff0100010000000100000000', code: 'PKR_ERR_YAMUX_BAD_VERSION' },
    { name: 'type 4', hex: '000400000000000000000000', code: 'PKR_ERR_YAMUX_BAD_TYPE' },
    { name: 'type 255', hex: '00ff00000000000000000000', code: 'PKR_ERR_YAMUX_BAD_TYPE' },
    { name: 'an 11-byte header', hex: '0000000000000001000000', code: 'PKR_ERR_OPTION_INVALID' },
  ];
  for (const { name, hex, code } of bad) {
    it(`rejects ${name} with ${code}`, () => {
      expect(codeOf(() => decodeHeader(Buffer.from(hex, 'hex')))).to.equal(code);
    });
  }

  it('refuses to encode fields out of range', () => {
    const base = { type: FrameType.Data, flags: 0, streamId: 1, length: 0 } as const;
    expect(codeOf(() => encodeHeader({ ...base, flags: 0x10000 }))).to.equal('PKR_ERR_OPTION_INVALID');
    expect(codeOf(() => encodeHeader({ ...base, streamId: -1 }))).to.equal('PKR_ERR_OPTION_INVALID');
    expect(codeOf(() => encodeHeader({ ...base, length: 2 ** 32 }))).to.equal('PKR_ERR_OPTION_INVALID');
    expect(codeOf(() => encodeHeader({ ...base, length: 1.5 }))).to.equal('PKR_ERR_OPTION_INVALID');
    expect(codeOf(() => encodeHeader({ ...base, type: 4 as FrameType }))).to.equal('PKR_ERR_OPTION_INVALID');
  });

  it('encodes a Data frame with its payload and derives the length', () => {
    const frame = encodeFrame({ type: FrameType.Data, streamId: 1, payload: Buffer.from('00000000', 'hex') });
    expect(frame.toString('hex')).to.equal('000000000000000100000004' + '00000000');
  });

  it('rejects a payload on a non-Data frame and a Data length that disagrees with its payload', () => {
    expect(codeOf(() => encodeFrame({ type: FrameType.Ping, payload: Buffer.from([1]) }))).to.equal(
      'PKR_ERR_OPTION_INVALID',
    );
    expect(
      codeOf(() => encodeFrame({ type: FrameType.Data, length: 3, payload: Buffer.from([1]) })),
    ).to.equal('PKR_ERR_OPTION_INVALID');
  });

  it('names types and flags for logs', () => {
    expect(frameTypeName(FrameType.WindowUpdate)).to.equal('WindowUpdate');
    expect(frameTypeName(9)).to.equal('unknown(9)');
    expect(flagNames(Flag.SYN | Flag.ACK)).to.equal('SYN|ACK');
    expect(flagNames(0)).to.equal('-');
  });

  it('decode ∘ encode is the identity on every header (property)', () => {
    fc.assert(
      fc.property(arbHeader, (header) => {
        const bytes = encodeHeader(header);
        expect(bytes.length).to.equal(12);
        expect(decodeHeader(bytes)).to.deep.equal(header);
      }),
      { numRuns: 2000 },
    );
  });

  it('encode ∘ decode is the identity on every valid 12-byte header (property)', () => {
    const valid = fc.uint8Array({ minLength: 12, maxLength: 12 }).map((bytes) => {
      bytes[0] = 0;
      bytes[1] = bytes[1]! % 4;
      return Buffer.from(bytes);
    });
    fc.assert(
      fc.property(valid, (bytes) => {
        expect(encodeHeader(decodeHeader(bytes)).equals(bytes)).to.equal(true);
      }),
      { numRuns: 2000 },
    );
  });
});
