import type { Duplex } from 'node:stream';
import { SdkError, describeError, isSdkError } from '../../errors/index.js';
import { encodeRequest, readResponseHeader, type ResponseHeader } from './message.js';
import { resolveRpcOptions, type RpcLogger } from './options.js';
import { MsgpackStreamDecoder } from './stream-decoder.js';

export interface RpcClientOptions {
  /** Largest accepted reply header or body in bytes. Default 64 MiB. */
  maxMessageBytes?: number;
  onLog?: RpcLogger;
}

export interface RpcCallOptions {
  /**
   * Abandons the call locally: the promise rejects with PKR_ERR_RPC_ABORTED at once. Go's
   * net/rpc has no cancel message, so the remote side keeps working; its reply is dropped.
   */
  signal?: AbortSignal;
}

/** The remote side answered with an error (the response header's `Error`); the message is its text. */
export class RpcServerError extends SdkError {
  readonly serviceMethod: string;

  constructor(serviceMethod: string, message: string) {
    super('PKR_ERR_RPC_REMOTE', message, { details: { serviceMethod } });
    this.name = 'RpcServerError';
    this.serviceMethod = serviceMethod;
  }
}

interface PendingCall {
  readonly serviceMethod: string;
  readonly resolve: (reply: unknown) => void;
  readonly reject: (err: unknown) => void;
  readonly detach: () => void;
}

/**
 * The client half of Go net/rpc with the msgpack codec, over any byte stream (in production
 * a yamux stream dialed through the broker). Calls may overlap; replies are matched by `Seq`,
 * in whatever order they come (protocol §3.1).
 *
 * Like Go's client it shuts down for good when the stream ends or fails, when a reply header
 * is malformed, or when a reply body cannot be decoded: every pending call is rejected at once
 * with PKR_ERR_RPC_SHUTDOWN, and later calls fail the same way.
 *
 * @example
 * const ui = new RpcClient(stream);
 * await ui.call('Ui.Say', 'Connected to SSH!');
 * const answer = asString(await ui.call('Ui.Ask', 'continue?'), 'Ui.Ask reply');
 */
export class RpcClient {
  readonly #stream: Duplex;
  readonly #onLog: RpcLogger;
  readonly #decoder: MsgpackStreamDecoder;
  readonly #pending = new Map<number, PendingCall>();
  #nextSeq = 0;
  /** A reply header whose body has not arrived yet. */
  #header: ResponseHeader | undefined;
  #shutdown: SdkError | undefined;

  constructor(stream: Duplex, options: RpcClientOptions = {}) {
    const resolved = resolveRpcOptions(options, 'RpcClient');
    this.#stream = stream;
    this.#onLog = resolved.onLog;
    this.#decoder = new MsgpackStreamDecoder({ maxMessageBytes: resolved.maxMessageBytes });
    stream.on('data', this.#onData);
    stream.on('end', this.#onEnd);
    stream.on('close', this.#onClose);
    // Stays attached after shutdown: an 'error' without a listener would crash the process.
    stream.on('error', this.#onError);
    if (stream.destroyed || stream.readableEnded) this.#shut('the stream had already ended');
  }

  /** True once the client has shut down; every call then fails with PKR_ERR_RPC_SHUTDOWN. */
  get closed(): boolean {
    return this.#shutdown !== undefined;
  }

  /** Number of calls waiting for their reply. */
  get pendingCalls(): number {
    return this.#pending.size;
  }

  /**
   * Calls `Service.Method` with `args` (encoded by `encodeMsgpack`'s rules) and resolves with
   * the decoded reply body. Rejects with `RpcServerError` when the remote side returns an
   * error, PKR_ERR_MSGPACK_ENCODE when `args` cannot be sent, PKR_ERR_RPC_ABORTED on abort and
   * PKR_ERR_RPC_SHUTDOWN when the connection goes away first.
   */
  call(serviceMethod: string, args: unknown, options: RpcCallOptions = {}): Promise<unknown> {
    if (this.#shutdown) return Promise.reject(this.#shutdown);
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(aborted(serviceMethod, signal.reason));
    if (!this.#stream.writable) return Promise.reject(this.#shut('the stream is no longer writable'));
    const seq = this.#nextSeq++;
    let message: Uint8Array;
    try {
      message = encodeRequest(serviceMethod, seq, args);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        if (this.#pending.get(seq) !== call) return;
        this.#pending.delete(seq);
        this.#onLog('debug', 'rpc: call abandoned; its reply will be dropped', { serviceMethod, seq });
        reject(aborted(serviceMethod, signal?.reason));
      };
      const call: PendingCall = {
        serviceMethod,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      this.#pending.set(seq, call);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#stream.write(message, (err) => {
        if (err) this.#shut('writing the request failed', err);
      });
    });
  }

  /**
   * Shuts the client down: pending calls reject with PKR_ERR_RPC_SHUTDOWN and the stream is
   * ended (Go's `Client.Close`). Idempotent.
   */
  close(): void {
    if (this.#shutdown) return;
    this.#shut('the client was closed');
    if (!this.#stream.writableEnded && !this.#stream.destroyed) this.#stream.end();
  }

  readonly #onData = (chunk: Uint8Array): void => {
    if (this.#shutdown) return;
    try {
      this.#decoder.push(chunk);
      for (let next = this.#decoder.next(); next !== undefined; next = this.#decoder.next()) {
        if (this.#header === undefined) {
          this.#header = readResponseHeader(next.value);
        } else {
          const header = this.#header;
          this.#header = undefined;
          this.#deliver(header, next.value);
        }
        if (this.#shutdown) return;
      }
    } catch (err) {
      this.#failBody(err);
      this.#shut('a reply could not be read', err);
    }
  };

  readonly #onEnd = (): void => {
    if (this.#shutdown) return;
    try {
      this.#decoder.finish();
      if (this.#header !== undefined) {
        throw new SdkError(
          'PKR_ERR_MSGPACK_TRUNCATED',
          'the stream ended between a reply header and its body',
        );
      }
    } catch (err) {
      this.#failBody(err);
      this.#shut('the stream ended inside a reply', err);
      return;
    }
    this.#shut('the stream ended');
  };

  readonly #onClose = (): void => {
    this.#shut('the stream closed');
  };

  readonly #onError = (err: unknown): void => {
    if (this.#shutdown) {
      this.#onLog('debug', 'rpc: stream error after shutdown', { error: describeError(err) });
      return;
    }
    this.#shut('the stream failed', err);
  };

  #deliver(header: ResponseHeader, body: unknown): void {
    const seq = typeof header.seq === 'number' ? header.seq : -1;
    const call = this.#pending.get(seq);
    if (call === undefined) {
      this.#onLog('debug', 'rpc: reply for no pending call dropped', {
        serviceMethod: header.serviceMethod,
        seq: String(header.seq),
      });
      return;
    }
    this.#pending.delete(seq);
    call.detach();
    if (header.error !== '') call.reject(new RpcServerError(call.serviceMethod, header.error));
    else call.resolve(body);
  }

  /** Go's client fails the call whose body it could not decode with that error, not "shut down". */
  #failBody(err: unknown): void {
    const header = this.#header;
    this.#header = undefined;
    if (header === undefined || typeof header.seq !== 'number') return;
    const call = this.#pending.get(header.seq);
    if (call === undefined) return;
    this.#pending.delete(header.seq);
    call.detach();
    // Keep the decoder's code (decode, too large, truncated) so callers can tell them apart.
    const code = isSdkError(err) ? err.code : 'PKR_ERR_MSGPACK_DECODE';
    const reason = err instanceof Error ? err.message : String(err);
    call.reject(new SdkError(code, `reading body of ${call.serviceMethod}: ${reason}`, { cause: err }));
  }

  /** Shuts down once (later reasons are ignored) and returns the error every call now gets. */
  #shut(reason: string, cause?: unknown): SdkError {
    if (this.#shutdown) return this.#shutdown;
    const message = `connection is shut down: ${reason}`;
    const shutdown = new SdkError('PKR_ERR_RPC_SHUTDOWN', message, cause === undefined ? {} : { cause });
    this.#shutdown = shutdown;
    this.#stream.off('data', this.#onData);
    this.#stream.off('end', this.#onEnd);
    this.#stream.off('close', this.#onClose);
    if (cause !== undefined) this.#onLog('warn', `rpc: ${message}`, { error: describeError(cause) });
    const calls = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of calls) {
      call.detach();
      call.reject(shutdown);
    }
    return shutdown;
  }
}

function aborted(serviceMethod: string, reason: unknown): SdkError {
  return new SdkError('PKR_ERR_RPC_ABORTED', `${serviceMethod}: the call was abandoned (abort signal)`, {
    cause: reason,
    details: { serviceMethod },
  });
}
