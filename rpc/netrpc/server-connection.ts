import type { Duplex } from 'node:stream';
import { SdkError, describeError, isSdkError } from '../../errors/index.js';
import { encodeResponse, readRequestHeader, splitServiceMethod, type RequestHeader } from './message.js';
import type { ResolvedRpcOptions } from './options.js';
import type { RpcHandler } from './server.js';
import { MsgpackStreamDecoder } from './stream-decoder.js';

/** Finds a service's method table at request time, so registrations made while serving count. */
export type ServiceLookup = (service: string) => ReadonlyMap<string, RpcHandler> | undefined;

/** Go answers an error with an empty struct as the body: `80`. */
const EMPTY_STRUCT = Object.freeze({});

/**
 * One stream served by an `RpcServer`: reads requests, runs each handler as soon as its body
 * arrives, and writes each reply when its handler settles.
 */
export class ServerConnection {
  readonly done: Promise<void>;
  readonly #stream: Duplex;
  readonly #options: ResolvedRpcOptions;
  readonly #lookup: ServiceLookup;
  readonly #decoder: MsgpackStreamDecoder;
  readonly #abort = new AbortController();
  #resolve!: () => void;
  /** A request header whose body has not arrived yet. */
  #header: RequestHeader | undefined;
  #inFlight = 0;
  #readEnded = false;
  #settled = false;

  constructor(stream: Duplex, options: ResolvedRpcOptions, lookup: ServiceLookup) {
    this.done = new Promise((resolve) => (this.#resolve = resolve));
    this.#stream = stream;
    this.#options = options;
    this.#lookup = lookup;
    this.#decoder = new MsgpackStreamDecoder({ maxMessageBytes: options.maxMessageBytes });
    // Stays attached after the end: an 'error' without a listener would crash the process.
    stream.on('error', this.#onError);
    if (stream.destroyed) {
      this.#settle(new SdkError('PKR_ERR_RPC_SHUTDOWN', 'the RPC stream was already closed'));
      return;
    }
    stream.on('data', this.#onData);
    stream.on('end', this.#onEnd);
    stream.on('close', this.#onClose);
    // 'end' fires once: a stream whose peer already finished sending must be noticed now.
    if (stream.readableEnded) this.#onEnd();
  }

  readonly #onData = (chunk: Uint8Array): void => {
    if (this.#settled) return;
    try {
      this.#decoder.push(chunk);
      for (let next = this.#decoder.next(); next !== undefined; next = this.#decoder.next()) {
        if (this.#header === undefined) {
          this.#header = readRequestHeader(next.value);
        } else {
          const header = this.#header;
          this.#header = undefined;
          this.#dispatch(header, next.value);
        }
      }
    } catch (err) {
      this.#protocolError(err);
    }
  };

  readonly #onEnd = (): void => {
    if (this.#settled) return;
    this.#readEnded = true;
    try {
      this.#decoder.finish();
      if (this.#header !== undefined) {
        throw new SdkError(
          'PKR_ERR_MSGPACK_TRUNCATED',
          'the stream ended between a request header and its body',
        );
      }
    } catch (err) {
      this.#protocolError(err);
      return;
    }
    // Like Go's ServeCodec: no more requests, but replies still in progress are sent first.
    if (this.#inFlight === 0) this.#finish();
  };

  readonly #onClose = (): void => {
    this.#settle(new SdkError('PKR_ERR_RPC_SHUTDOWN', 'the RPC stream closed'));
  };

  readonly #onError = (err: unknown): void => {
    if (!this.#settled) this.#options.onLog('debug', 'rpc: stream failed', { error: describeError(err) });
    this.#settle(new SdkError('PKR_ERR_RPC_SHUTDOWN', 'the RPC stream failed', { cause: err }));
  };

  #dispatch(header: RequestHeader, args: unknown): void {
    const { serviceMethod } = header;
    const target = splitServiceMethod(serviceMethod);
    let problem: string | undefined;
    let handler: RpcHandler | undefined;
    // Go's texts, which quote the whole ServiceMethod (net/rpc server.go readRequestHeader).
    if (target === undefined) {
      problem = `rpc: service/method request ill-formed: ${serviceMethod}`;
    } else {
      const methods = this.#lookup(target.service);
      handler = methods?.get(target.method);
      if (methods === undefined) problem = `rpc: can't find service ${serviceMethod}`;
      else if (handler === undefined) problem = `rpc: can't find method ${serviceMethod}`;
    }
    if (handler === undefined) {
      this.#options.onLog('debug', problem ?? 'rpc: no handler', { serviceMethod });
      this.#write(encodeResponse(serviceMethod, header.seq, problem ?? 'rpc: no handler', EMPTY_STRUCT));
      return;
    }
    this.#inFlight++;
    void this.#run(handler, header, args);
  }

  async #run(handler: RpcHandler, header: RequestHeader, args: unknown): Promise<void> {
    const { serviceMethod, seq } = header;
    let message: Uint8Array;
    try {
      const result = await handler(args, { signal: this.#abort.signal, serviceMethod });
      message = this.#encodeReply(serviceMethod, seq, result);
    } catch (err) {
      message = encodeResponse(serviceMethod, seq, errorText(err, serviceMethod), EMPTY_STRUCT);
    }
    this.#inFlight--;
    this.#write(message);
    if (this.#readEnded && this.#inFlight === 0) this.#finish();
  }

  #encodeReply(serviceMethod: string, seq: number | bigint, result: unknown): Uint8Array {
    try {
      return encodeResponse(serviceMethod, seq, '', result);
    } catch (err) {
      if (!isSdkError(err, 'PKR_ERR_MSGPACK_ENCODE')) throw err;
      this.#options.onLog('warn', `rpc: the reply of ${serviceMethod} cannot be encoded`, {
        error: describeError(err),
      });
      return encodeResponse(serviceMethod, seq, describeError(err), EMPTY_STRUCT);
    }
  }

  #write(message: Uint8Array): void {
    const stream = this.#stream;
    if (this.#settled || !stream.writable) {
      this.#options.onLog('debug', 'rpc: reply dropped: the stream is closed');
      return;
    }
    stream.write(message);
  }

  #protocolError(err: unknown): void {
    if (this.#settled) return;
    this.#options.onLog('error', `rpc: closing the stream: ${describeError(err)}`, {
      code: isSdkError(err) ? err.code : undefined,
    });
    this.#settle(err);
    this.#stream.destroy();
  }

  /** The peer is done sending and every reply is written: end our side too. */
  #finish(): void {
    if (this.#settled) return;
    const stream = this.#stream;
    if (stream.writable && !stream.writableEnded) stream.end();
    this.#settle(new SdkError('PKR_ERR_RPC_SHUTDOWN', 'the RPC stream ended'));
  }

  #settle(reason: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#stream.off('data', this.#onData);
    this.#stream.off('end', this.#onEnd);
    this.#stream.off('close', this.#onClose);
    this.#abort.abort(reason);
    this.#resolve();
  }
}

/** The header `Error` text. Go treats "" as success, so an empty message gets a stand-in. */
function errorText(err: unknown, serviceMethod: string): string {
  const text = describeError(err);
  return text === '' ? `${serviceMethod} failed without a message` : text;
}
