import type { Duplex } from 'node:stream';
import { SdkError } from '../../errors/index.js';
import { resolveRpcOptions, type ResolvedRpcOptions, type RpcLogger } from './options.js';
import { ServerConnection } from './server-connection.js';

/** What a handler learns about its call besides the arguments. */
export interface RpcCallContext {
  /** Aborts when the stream closes: the reply could no longer be delivered. */
  readonly signal: AbortSignal;
  /** "Service.Method" as the caller sent it. */
  readonly serviceMethod: string;
}

/**
 * Serves one method. `args` is the decoded request body (untrusted: narrow it with the
 * helpers in values.ts). The resolved value is the reply body (`undefined` → nil); a throw
 * becomes the response header's `Error` text, never a body (protocol §3.4).
 */
export type RpcHandler = (args: unknown, ctx: RpcCallContext) => Promise<unknown>;

export interface RpcServerOptions {
  /** Largest accepted request header or body in bytes. Default 64 MiB. */
  maxMessageBytes?: number;
  /** Protocol errors that close a stream are logged here (level "error"). */
  onLog?: RpcLogger;
}

/**
 * The server half of Go net/rpc with the msgpack codec. One server holds services (as Go's
 * `rpc.Server` does) and may serve several streams at once; services can come and go while
 * serving, since Packer registers progress trackers such as `Ui<id>` on the fly.
 *
 * Each request runs as soon as it arrives, concurrently with the others on its stream (core
 * sends `Builder.Cancel` while `Builder.Run` is pending), and replies go out as handlers
 * finish, each with its request's `Seq`.
 *
 * @example
 * const server = new RpcServer();
 * server.register('Artifact', { Id: async () => 'ami-123', Destroy: async () => undefined });
 * await server.serve(stream);
 */
export class RpcServer {
  readonly #services = new Map<string, ReadonlyMap<string, RpcHandler>>();
  readonly #options: ResolvedRpcOptions;

  constructor(options: RpcServerOptions = {}) {
    this.#options = resolveRpcOptions(options, 'RpcServer');
  }

  /** Adds a service: `methods` maps method names to handlers. Throws if the name is taken. */
  register(service: string, methods: Record<string, RpcHandler>): void {
    if (typeof service !== 'string' || service === '') {
      throw new SdkError('PKR_ERR_RPC_REGISTER', 'rpc: a service needs a non-empty name');
    }
    if (this.#services.has(service)) {
      throw new SdkError('PKR_ERR_RPC_REGISTER', `rpc: service already defined: ${service}`, {
        details: { service },
      });
    }
    const table = new Map<string, RpcHandler>();
    for (const [name, handler] of Object.entries(methods)) {
      if (typeof handler !== 'function') {
        throw new SdkError('PKR_ERR_RPC_REGISTER', `rpc: ${service}.${name} is not a function`, {
          details: { service, method: name },
        });
      }
      table.set(name, handler);
    }
    this.#services.set(service, table);
  }

  /** Removes a service; later calls get "rpc: can't find service". True if it was registered. */
  unregister(service: string): boolean {
    return this.#services.delete(service);
  }

  /** True when `service` is registered. */
  has(service: string): boolean {
    return this.#services.has(service);
  }

  /**
   * Serves requests from `stream` until it ends; resolves then (never rejects). On a protocol
   * error (malformed header, invalid or oversized msgpack, a message cut short) the stream is
   * destroyed and the error logged, as Go's server drops such a connection.
   */
  serve(stream: Duplex): Promise<void> {
    return new ServerConnection(stream, this.#options, (service) => this.#services.get(service)).done;
  }

  /** Names of the registered services. */
  get services(): string[] {
    return [...this.#services.keys()];
  }
}
