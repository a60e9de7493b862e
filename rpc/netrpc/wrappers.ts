import { SdkError } from '../../errors/index.js';

const UINT64_MAX = (1n << 64n) - 1n;

/**
 * Forces a number onto the wire as msgpack float64 (`cb`). Plain numbers with an integral
 * value are sent as ints, because the 2015 ugorji decoder in upstream Packer 1.6.6 rejects a
 * float for an int field (protocol §7 row 6); wrap values Go declares `float64` in this.
 *
 * @example
 * encodeMsgpack({ Ratio: new Float64(2) }); // 81 a5 "Ratio" cb 4000000000000000
 */
export class Float64 {
  readonly value: number;

  constructor(value: number) {
    if (typeof value !== 'number') {
      throw new SdkError('PKR_ERR_MSGPACK_ENCODE', `Float64 needs a number, got ${typeof value}`);
    }
    this.value = value;
  }
}

/**
 * Forces a non-negative integer onto the wire in the unsigned int families (`cc`/`cd`/`ce`/`cf`),
 * as ugorji 1.2.x writes Go `uint32`/`uint64`/`os.FileMode` fields. Go accepts the signed forms
 * the encoder uses by default just as well; this only matters for byte-exact output (and for
 * the net/rpc `Seq`, which is a `uint64`).
 */
export class Unsigned {
  readonly value: bigint;

  constructor(value: number | bigint) {
    const big = typeof value === 'bigint' ? value : Number.isInteger(value) ? BigInt(value) : undefined;
    if (big === undefined || big < 0n || big > UINT64_MAX) {
      throw new SdkError(
        'PKR_ERR_MSGPACK_ENCODE',
        `Unsigned needs an integer from 0 to 2^64-1, got ${String(value)}`,
      );
    }
    this.value = big;
  }
}
