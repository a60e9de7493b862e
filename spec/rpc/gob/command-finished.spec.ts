import { expect } from 'chai';
import fc from 'fast-check';
import { isSdkError } from '../../../errors/index.js';
import {
  CommandFinishedReader,
  GobChunkReader,
  decodeCommandFinished,
  encodeCommandFinished,
} from '../../../rpc/gob/index.js';
import { splitAt } from '../../support/split-at.js';
import { FLAVORS, GOB_DIR, hexFile, realCaptures, vectorsOfKind } from './fixtures.js';

describe('rpc/gob CommandFinished', () => {
  for (const flavor of FLAVORS) {
    for (const vector of vectorsOfKind(flavor, 'CommandFinished')) {
      const status = (vector.spec as { ExitStatus: number }).ExitStatus;
      it(`encodes and decodes ${vector.file} (ExitStatus ${status})`, () => {
        const bytes = hexFile(GOB_DIR, vector.file);
        expect(Buffer.from(encodeCommandFinished(status)).equals(bytes)).to.equal(true);
        expect(decodeCommandFinished(bytes)).to.equal(status);
      });
    }
  }

  it('sends ExitStatus 0 as an empty struct (03 ff82 00)', () => {
    expect(Buffer.from(encodeCommandFinished(0)).toString('hex').endsWith('03ff8200')).to.equal(true);
  });

  for (const file of realCaptures().filter((f) => f.includes('commandfinished'))) {
    it(`decodes the real capture ${file}`, () => {
      const status = Number(/commandfinished-(\d+)/.exec(file)?.[1]);
      expect(decodeCommandFinished(hexFile(GOB_DIR, file))).to.equal(status);
    });
  }

  it('round-trips any int64-safe exit status (property)', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (status) => {
        expect(decodeCommandFinished(encodeCommandFinished(status))).to.equal(status);
      }),
    );
  });

  it('reads the status from chunks split anywhere (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -300, max: 300 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (status, cuts) => {
          const reader = new CommandFinishedReader();
          const parts = splitAt(encodeCommandFinished(status), cuts);
          const results = parts.map((p) => reader.push(p));
          expect(results[results.length - 1]).to.equal(status);
          expect(results.slice(0, -1).every((r) => r === undefined || r === status)).to.equal(true);
          expect(reader.end()).to.equal(status);
        },
      ),
    );
  });

  it('reports a stream that ended early, and data after the value', () => {
    const bytes = encodeCommandFinished(7);
    const early = new CommandFinishedReader();
    expect(early.push(bytes.subarray(0, bytes.length - 1))).to.equal(undefined);
    try {
      early.end();
      expect.fail('should throw');
    } catch (err) {
      expect(isSdkError(err, 'PKR_ERR_GOB_DECODE')).to.equal(true);
    }
    const extra = new CommandFinishedReader();
    expect(() => extra.push(Buffer.concat([bytes, Buffer.from([1])]))).to.throw(/after CommandFinished/);
  });

  it('refuses a peer that streams without ever completing a value, past the buffer cap', () => {
    const reader = new GobChunkReader({ maxBufferedBytes: 1024 });
    // A message header announcing 1 MiB, then filler that never completes it.
    expect(reader.push(Uint8Array.from([0xfd, 0x10, 0x00, 0x00]))).to.deep.equal([]);
    expect(() => reader.push(new Uint8Array(2048))).to.throw(/buffered without a complete value/);
  });

  it('rejects a non-integer exit status', () => {
    expect(() => encodeCommandFinished(1.5)).to.throw(/integer/);
  });
});
