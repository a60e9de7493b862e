import { SdkError } from '../../errors/index.js';
import { gobDecodeError } from './byte-reader.js';
import { decodeGobValue } from './decoder.js';
import { encodeGob } from './encoder.js';
import { goBasic, goStruct } from './go-type.js';
import type { GobChunkReaderOptions } from './stream-reader.js';
import { GobChunkReader } from './stream-reader.js';
import type { GobValue } from './value.js';
import { expectGobKind, gobFieldInt } from './value.js';

/**
 * `CommandFinished{ExitStatus int}`: the one gob value the side serving a Communicator writes
 * on a command's response stream when the command exits (protocol §4.1, `rpc/communicator.go`).
 * It is a whole gob stream of its own: a type definition message, then the value message;
 * ExitStatus 0 is omitted, so that value is an empty struct (`03 ff82 00`).
 */
const commandFinishedGo = goStruct([{ name: 'ExitStatus', type: goBasic.int }], {
  name: 'CommandFinished',
  pkgPath: 'github.com/hashicorp/packer-plugin-sdk/rpc',
});

/** The exit status a Go client reports when the response stream breaks or does not decode. */
export const BROKEN_RESPONSE_EXIT_STATUS = 123;

/** The bytes Go's `gob.NewEncoder(conn).Encode(CommandFinished{status})` writes. */
export function encodeCommandFinished(exitStatus: number): Uint8Array {
  if (!Number.isSafeInteger(exitStatus)) {
    throw new SdkError('PKR_ERR_GOB_ENCODE', `exit status must be an integer, got ${exitStatus}`, {
      details: { path: 'ExitStatus' },
    });
  }
  return encodeGob(commandFinishedGo, { ExitStatus: exitStatus });
}

/**
 * The exit status carried by a decoded CommandFinished value. Like Go's decoder it matches
 * the field by name and ignores the struct's name and any other fields.
 */
export function commandFinishedExitStatus(value: GobValue): number {
  const struct = expectGobKind(value, 'struct', 'CommandFinished');
  return gobFieldInt(struct, 'ExitStatus');
}

/**
 * Reads a complete CommandFinished stream (e.g. the bytes collected from the response stream
 * until EOF). Throws PKR_ERR_GOB_DECODE for anything else; Go's client maps that case to exit
 * status 123 ({@link BROKEN_RESPONSE_EXIT_STATUS}).
 */
export function decodeCommandFinished(bytes: Uint8Array): number {
  return commandFinishedExitStatus(decodeGobValue(bytes));
}

/**
 * Incremental CommandFinished reader for a response stream that arrives in chunks: `push`
 * returns the exit status once the value is complete (undefined before); `end` is for the end
 * of the stream and throws when no complete value came.
 */
export class CommandFinishedReader {
  readonly #reader: GobChunkReader;
  #status: number | undefined;

  constructor(options: GobChunkReaderOptions = { maxBufferedBytes: 4096 }) {
    this.#reader = new GobChunkReader(options);
  }

  push(chunk: Uint8Array): number | undefined {
    if (this.#status !== undefined) {
      if (chunk.length > 0) throw gobDecodeError('data after CommandFinished', this.#reader.received);
      return this.#status;
    }
    const values = this.#reader.push(chunk);
    if (values[0] !== undefined) this.#status = commandFinishedExitStatus(values[0]);
    if (this.#status !== undefined && (values.length > 1 || this.#reader.hasPartialValue)) {
      throw gobDecodeError('data after CommandFinished', this.#reader.received);
    }
    return this.#status;
  }

  /** The exit status; throws PKR_ERR_GOB_DECODE (truncated) when the stream ended early. */
  end(): number {
    if (this.#status === undefined)
      throw gobDecodeError('response stream ended before CommandFinished', this.#reader.received, true);
    return this.#status;
  }

  get exitStatus(): number | undefined {
    return this.#status;
  }
}
