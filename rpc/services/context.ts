import type { Duplex } from 'node:stream';
import type { Logger } from '../../engine/logger.js';
import type { BuildObserver } from '../../packer/build-observer.js';
import type { MuxBroker } from '../broker/mux-broker.js';
import { RpcClient, RpcServer, type RpcLogger } from '../netrpc/index.js';

export type ServiceLog = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  details?: Readonly<Record<string, unknown>>,
) => void;

/**
 * What every service adapter needs: the broker to dial or accept streams announced in RPC
 * arguments, the spec encoding core asked for, and a log sink (stderr).
 */
export interface ServiceContext {
  readonly broker: MuxBroker;
  /** True when started with `--protobuf` (ConfigSpec and datasource values in protobuf/cty-msgpack). */
  readonly protobuf: boolean;
  /** hcldec's package path in the core (gob names nested ObjectSpecs with it); default the module path. */
  readonly hcldecPackage?: string;
  readonly log: ServiceLog;
  /** The plugin's logger for components and steps. */
  readonly logger?: Logger;
  /** Watches and steers builds (the opt-in build-control service). */
  readonly observer?: BuildObserver;
  /** Makes the RPC server for an announced service (the plugin session guards its handlers). */
  readonly createServer?: () => RpcServer;
}

export function rpcLog(log: ServiceLog): RpcLogger {
  return (level, message, details) => log(level, message, details);
}

/** Dials a service core announced and returns an RPC client on it. */
export async function dialClient(ctx: ServiceContext, id: number, signal?: AbortSignal): Promise<RpcClient> {
  const stream = await ctx.broker.dial(id, signal);
  return new RpcClient(stream, { onLog: rpcLog(ctx.log) });
}

/**
 * Announces a new RPC server: allocates an id and starts accepting it *before* returning, so
 * the id may be sent to core at once (Go dials as soon as it reads it, protocol §2.2).
 * `served` settles when core's stream ends (or the accept fails).
 */
export function announceServer(
  ctx: ServiceContext,
  setup: (server: RpcServer) => void,
): { id: number; served: Promise<void>; server: RpcServer } {
  const server = ctx.createServer?.() ?? new RpcServer({ onLog: rpcLog(ctx.log) });
  setup(server);
  const id = ctx.broker.nextId();
  const served = ctx.broker.accept(id).then(
    (stream) => server.serve(stream),
    (err: unknown) =>
      ctx.log('warn', `core never connected to announced service ${id}`, { error: String(err) }),
  );
  return { id, served, server };
}

/** Announces a raw byte stream (file contents, command output); resolves with it once core dials. */
export function announceStream(ctx: ServiceContext): { id: number; stream: Promise<Duplex> } {
  const id = ctx.broker.nextId();
  return { id, stream: ctx.broker.accept(id) };
}
