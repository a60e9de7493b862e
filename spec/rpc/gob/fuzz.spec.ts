import { expect } from 'chai';
import type { ErrorCode } from '../../../errors/index.js';
import { SdkError } from '../../../errors/index.js';
import { decodeCtyTypeGob, decodeCtyValueGob } from '../../../rpc/cty/index.js';
import { decodeCommandFinished, decodeGob } from '../../../rpc/gob/index.js';
import { decodeSpecGob } from '../../../rpc/hclspec/index.js';
import { FLAVORS, GOB_DIR, hexFile, manifest, realCaptures, vectorFiles } from './fixtures.js';

/** xorshift32: a fixed seed makes every run feed the same inputs. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const ALLOWED: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'PKR_ERR_GOB_DECODE',
  'PKR_ERR_HCLSPEC_DECODE',
  'PKR_ERR_CTY_VALUE',
  'PKR_ERR_CTY_TYPE',
]);

describe('rpc/gob decoder fuzzing', () => {
  it('survives 100,000 random and mutated inputs: every failure is a coded decode error', function () {
    this.timeout(120_000);
    const small = FLAVORS.flatMap((f) =>
      manifest(f).flatMap((v) => vectorFiles(v).map((file) => hexFile(GOB_DIR, file))),
    );
    const large = realCaptures().map((f) => hexFile(GOB_DIR, f));
    const random = rng(0x5eed);
    const int = (n: number): number => Math.floor(random() * n);
    const decoders: Array<(b: Uint8Array) => unknown> = [
      decodeGob,
      decodeSpecGob,
      decodeCtyTypeGob,
      decodeCtyValueGob,
      decodeCommandFinished,
    ];
    const counts = { inputs: 0, decoded: 0, refused: 0 };

    const mutate = (source: Uint8Array): Uint8Array => {
      let bytes = Uint8Array.from(source);
      const rounds = 1 + int(4);
      for (let r = 0; r < rounds; r++) {
        const at = bytes.length === 0 ? 0 : int(bytes.length);
        switch (int(6)) {
          case 0: // flip a bit
            if (bytes.length > 0) bytes[at]! ^= 1 << int(8);
            break;
          case 1: // replace a byte with an interesting value
            if (bytes.length > 0) bytes[at] = [0x00, 0x7f, 0x80, 0xf8, 0xff, 0xfe, 0x01][int(7)]!;
            break;
          case 2: // truncate
            bytes = bytes.subarray(0, at);
            break;
          case 3: // insert random bytes
            bytes = Uint8Array.from([
              ...bytes.subarray(0, at),
              ...Array.from({ length: 1 + int(4) }, () => int(256)),
              ...bytes.subarray(at),
            ]);
            break;
          case 4: // splice with another vector
            bytes = Uint8Array.from([
              ...bytes.subarray(0, at),
              ...small[int(small.length)]!.subarray(int(40)),
            ]);
            break;
          default: // duplicate a slice (repeats messages and type definitions)
            bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(int(bytes.length + 1))]);
        }
      }
      return bytes;
    };

    for (let i = 0; i < 100_000; i++) {
      let input: Uint8Array;
      const pick = int(20);
      if (pick < 4) input = Uint8Array.from({ length: int(48) }, () => int(256));
      else if (pick === 4 && i % 25 === 0) input = mutate(large[int(large.length)]!);
      else input = mutate(small[int(small.length)]!);
      counts.inputs++;
      const decode = decoders[i % decoders.length]!;
      try {
        decode(input);
        counts.decoded++;
      } catch (err) {
        if (!(err instanceof SdkError) || !ALLOWED.has(err.code)) {
          throw new Error(
            `input ${Buffer.from(input).toString('hex')} crashed ${decode.name}: ${String(err)}`,
            { cause: err },
          );
        }
        counts.refused++;
      }
    }
    expect(counts.inputs).to.equal(100_000);
    expect(counts.decoded + counts.refused).to.equal(counts.inputs);
    expect(counts.refused).to.be.greaterThan(0);
    expect(counts.decoded).to.be.greaterThan(0);
  });
});
