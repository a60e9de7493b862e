import { SdkError, isSdkError } from '../../errors/index.js';
import { encodeMsgpack } from './encode.js';
import { asStruct, asString, asUint64 } from './values.js';
import { Unsigned } from './wrappers.js';

// Go's net/rpc messages (protocol §3.1): msgpack(header) immediately followed by msgpack(body).
// Headers are written in ugorji 1.2.x's declaration order; Go reads them by name, so the 2015
// ugorji's sorted order is accepted on the way in.

/** Go's `rpc.Request`. `seq` stays a bigint only when a peer sends one beyond 2^53. */
export interface RequestHeader {
  readonly serviceMethod: string;
  readonly seq: number | bigint;
}

/** Go's `rpc.Response`; `error` is "" on success. */
export interface ResponseHeader extends RequestHeader {
  readonly error: string;
}

/** One request as written to the stream: header then body, in one buffer (one write). */
export function encodeRequest(serviceMethod: string, seq: number | bigint, body: unknown): Uint8Array {
  const header = encodeMsgpack({ ServiceMethod: serviceMethod, Seq: new Unsigned(seq) });
  return concat(header, encodeMsgpack(body));
}

/** One response as written to the stream: header then body (`80` after an error, as Go). */
export function encodeResponse(
  serviceMethod: string,
  seq: number | bigint,
  error: string,
  body: unknown,
): Uint8Array {
  const header = encodeMsgpack({ ServiceMethod: serviceMethod, Seq: new Unsigned(seq), Error: error });
  return concat(header, encodeMsgpack(body));
}

/** Reads a decoded request header by field name; throws PKR_ERR_RPC_HEADER when it is unusable. */
export function readRequestHeader(value: unknown): RequestHeader {
  return header(value, 'request header', (fields) => ({
    serviceMethod: asString(fields.ServiceMethod, 'request header.ServiceMethod'),
    seq: seq(fields.Seq, 'request header.Seq'),
  }));
}

/** Reads a decoded response header by field name; throws PKR_ERR_RPC_HEADER when it is unusable. */
export function readResponseHeader(value: unknown): ResponseHeader {
  return header(value, 'response header', (fields) => ({
    serviceMethod: asString(fields.ServiceMethod, 'response header.ServiceMethod'),
    seq: seq(fields.Seq, 'response header.Seq'),
    error: asString(fields.Error, 'response header.Error'),
  }));
}

/**
 * Splits "Service.Method" at the last dot, as Go does: service names may contain dots
 * (progress trackers are served as `Uiupload.txtHEO0l1`, protocol §3.1). Undefined without a dot.
 */
export function splitServiceMethod(serviceMethod: string): { service: string; method: string } | undefined {
  const dot = serviceMethod.lastIndexOf('.');
  if (dot < 0) return undefined;
  return { service: serviceMethod.slice(0, dot), method: serviceMethod.slice(dot + 1) };
}

function header<T>(value: unknown, what: string, read: (fields: Readonly<Record<string, unknown>>) => T): T {
  try {
    return read(asStruct(value, what));
  } catch (err) {
    if (!isSdkError(err, 'PKR_ERR_RPC_VALUE')) throw err;
    throw new SdkError('PKR_ERR_RPC_HEADER', `malformed ${what}: ${err.message}`, {
      cause: err,
      details: err.details,
    });
  }
}

function seq(value: unknown, path: string): number | bigint {
  const big = asUint64(value, path);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function concat(header: Uint8Array, body: Uint8Array): Uint8Array {
  const message = Buffer.allocUnsafe(header.byteLength + body.byteLength);
  message.set(header, 0);
  message.set(body, header.byteLength);
  return message;
}
