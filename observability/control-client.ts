import * as grpc from '@grpc/grpc-js';
import { errorCodes, SdkError, type ErrorCode } from '../errors/index.js';
import type { Breakpoints } from './breakpoints.js';
import { CONTROL_TOKEN_ENV, grpcTarget, parseControlAddress } from './control-address.js';
import {
  decodeBreakpoints,
  decodeBuildEvent,
  decodeControlReply,
  decodeStateSnapshot,
  decodeStepGraph,
  type BreakpointsMessage,
  type BuildEventMessage,
  type ControlReplyMessage,
  type StateSnapshotMessage,
  type StepGraphMessage,
} from './control-messages.js';
import { buildControlClient, ERROR_CODE_METADATA } from './control-proto.js';

export interface ControlClientOptions {
  /** PACKER_SDK_CONTROL_TOKEN of the plugin; default: this process's variable. */
  readonly token?: string;
}

export interface WatchHandle {
  /** Settles when the stream ends: resolves when the build ended, rejects on errors. */
  readonly done: Promise<void>;
  /** Stops watching (done then resolves). */
  cancel(): void;
}

type UnaryMethod = (
  request: unknown,
  metadata: grpc.Metadata,
  callback: (err: grpc.ServiceError | null, reply: unknown) => void,
) => grpc.ClientUnaryCall;
type StreamMethod = (request: unknown, metadata: grpc.Metadata) => grpc.ClientReadableStream<unknown>;

/**
 * A client for a plugin's BuildControl service, addressed the way PACKER_SDK_CONTROL names
 * it (a socket path or tcp:HOST:PORT). Everything it receives is narrowed before use; failed
 * calls reject with the service's SdkError code when it sent one.
 *
 * @example
 * const control = connectBuildControl('/tmp/build.sock');
 * await control.setBreakpoints({ steps: ['provision'], onError: true, onStart: false });
 * control.watch((event) => console.log(event));
 */
export class BuildControlClient {
  readonly #client: grpc.Client;
  readonly #token: string;

  constructor(address: string, options: ControlClientOptions = {}) {
    const Client = buildControlClient();
    this.#client = new Client(grpcTarget(parseControlAddress(address)), grpc.credentials.createInsecure());
    this.#token = options.token ?? process.env[CONTROL_TOKEN_ENV] ?? '';
  }

  /** Resolves once connected; PKR_ERR_CONTROL_CONNECT if not within `timeoutMs`. */
  waitForReady(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#client.waitForReady(Date.now() + timeoutMs, (err) => {
        if (err)
          reject(
            new SdkError('PKR_ERR_CONTROL_CONNECT', `build control not reachable: ${err.message}`, {
              cause: err,
            }),
          );
        else resolve();
      });
    });
  }

  /** Streams the build's events to `onEvent` (graph first, then backlog, then live). */
  watch(onEvent: (event: BuildEventMessage) => void): WatchHandle {
    const call = this.#method<StreamMethod>('Watch').call(this.#client, {}, this.#metadata());
    let cancelled = false;
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (raw: unknown) => {
        const event = decodeBuildEvent(raw);
        if (event) onEvent(event);
      });
      call.on('end', () => resolve());
      call.on('error', (err: grpc.ServiceError) => {
        if (cancelled && err.code === grpc.status.CANCELLED) resolve();
        else reject(toSdkError(err));
      });
    });
    return {
      done,
      cancel: () => {
        cancelled = true;
        call.cancel();
      },
    };
  }

  async getState(): Promise<StateSnapshotMessage> {
    return decodeStateSnapshot(await this.#unary('GetState', {}));
  }

  async setBreakpoints(breakpoints: Breakpoints): Promise<BreakpointsMessage> {
    return decodeBreakpoints(await this.#unary('SetBreakpoints', breakpoints));
  }

  async resume(): Promise<ControlReplyMessage> {
    return decodeControlReply(await this.#unary('Resume', {}));
  }

  async stepOver(): Promise<ControlReplyMessage> {
    return decodeControlReply(await this.#unary('StepOver', {}));
  }

  async cancel(reason = ''): Promise<ControlReplyMessage> {
    return decodeControlReply(await this.#unary('Cancel', { reason }));
  }

  /** The step graph a build with these config maps would run. */
  async graph(configs: readonly unknown[]): Promise<StepGraphMessage> {
    return decodeStepGraph(
      await this.#unary('Graph', { configsJson: configs.map((c) => JSON.stringify(c)) }),
    );
  }

  close(): void {
    this.#client.close();
  }

  #metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    if (this.#token !== '') metadata.set('authorization', `Bearer ${this.#token}`);
    return metadata;
  }

  #method<T>(name: string): T {
    const method = (this.#client as unknown as Record<string, unknown>)[name];
    if (typeof method !== 'function') throw new Error(`BuildControl has no method ${name}`);
    return method as T;
  }

  #unary(name: string, request: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#method<UnaryMethod>(name).call(this.#client, request, this.#metadata(), (err, reply) => {
        if (err) reject(toSdkError(err));
        else resolve(reply);
      });
    });
  }
}

/** Connects lazily: the first call (or `waitForReady`) dials. */
export function connectBuildControl(address: string, options: ControlClientOptions = {}): BuildControlClient {
  return new BuildControlClient(address, options);
}

function toSdkError(err: grpc.ServiceError): Error {
  const sent = err.metadata?.get(ERROR_CODE_METADATA)[0];
  const code = typeof sent === 'string' && sent in errorCodes ? (sent as ErrorCode) : undefined;
  // The service's own error crossed intact; the gRPC wrapper ("3 INVALID_ARGUMENT: …") would
  // only repeat its message in describeError's one-line form.
  if (code) return new SdkError(code, err.details);
  if (err.code === grpc.status.UNAVAILABLE) {
    return new SdkError('PKR_ERR_CONTROL_CONNECT', `build control not reachable: ${err.details}`, {
      cause: err,
    });
  }
  return err;
}
