import { SdkError } from '../../errors/index.js';

export type RpcLogLevel = 'debug' | 'warn' | 'error';

/** Receives what Go's net/rpc would log (dropped replies, closed streams, protocol errors). */
export type RpcLogger = (
  level: RpcLogLevel,
  message: string,
  details?: Readonly<Record<string, unknown>>,
) => void;

/**
 * Default cap on one msgpack value (a header or a body). Go sets no limit, but an unbounded
 * buffer lets a broken peer exhaust memory; the largest real values (HCL2 configs, ConfigSpec
 * gob blobs) are tens of KiB, so 64 MiB leaves plenty of room.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Nesting deeper than this is refused while decoding and encoding (Packer values nest < 10). */
export const DEFAULT_MAX_DEPTH = 256;

export interface ResolvedRpcOptions {
  readonly maxMessageBytes: number;
  readonly onLog: RpcLogger;
}

/** Checks the options shared by the client and the server and fills in defaults. */
export function resolveRpcOptions(
  options: { maxMessageBytes?: number; onLog?: RpcLogger } | undefined,
  owner: string,
): ResolvedRpcOptions {
  const maxMessageBytes = options?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  if (!Number.isSafeInteger(maxMessageBytes) || maxMessageBytes < 1) {
    throw new SdkError(
      'PKR_ERR_OPTION_INVALID',
      `${owner}: maxMessageBytes must be a positive integer, got ${String(maxMessageBytes)}`,
      { details: { option: 'maxMessageBytes' } },
    );
  }
  const onLog = options?.onLog ?? (() => undefined);
  if (typeof onLog !== 'function') {
    throw new SdkError('PKR_ERR_OPTION_INVALID', `${owner}: onLog must be a function`, {
      details: { option: 'onLog' },
    });
  }
  return { maxMessageBytes, onLog };
}
