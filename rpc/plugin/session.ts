import type { Socket } from 'node:net';
import type { Logger } from '../../engine/logger.js';
import { describeError, SdkError } from '../../errors/index.js';
import { CONTROL_ENV } from '../../observability/control-address.js';
import type { BuildControlService } from '../../observability/control-service.js';
import { createLazyLogger } from '../../observability/lazy-logger.js';
import { MuxBroker } from '../broker/mux-broker.js';
import { RpcServer, type RpcHandler } from '../netrpc/index.js';
import { registerComponentServer, rpcLog, type ServiceContext } from '../services/index.js';
import { YamuxSession } from '../yamux/index.js';
import type { ComponentKind } from './constants.js';
import { loggerFromPluginLog, type PluginLog } from './log.js';
import type { ComponentFactory } from './plugin-set.js';

export interface PluginSessionOptions {
  readonly kind: ComponentKind;
  readonly factory: ComponentFactory<ComponentKind>;
  readonly protobuf: boolean;
  /** hcldec's package path in the core that started us (names nested specs in gob). */
  readonly hcldecPackage?: string;
  readonly log: PluginLog;
  /** True when the caller chose `log`: it then stays the only sink (no winston logger is made). */
  readonly customLog?: boolean;
  /** Log debug lines too (serve decides from PACKER_LOG and the core that started us); default PACKER_LOG's rule. */
  readonly verbose?: boolean;
  /** The plugin's environment: PACKER_LOG, PACKER_SDK_CONTROL… (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** How long running calls may take to wind down once core has gone (their cleanup). */
  readonly drainTimeoutMs?: number;
  /** Called with the exit code when the plugin should end (default: process.exit). */
  readonly exit?: (code: number) => void;
}

/**
 * Serves core on its one connection until it goes away. Core normally ends a plugin with
 * SIGKILL; if instead the connection drops, running calls see their signal abort, get
 * `drainTimeoutMs` to clean up, and the process exits. An uncaught error fails every
 * in-flight call with PKR_ERR_PLUGIN_CRASHED (so core does not hang), then exits 1.
 */
export async function runPluginSession(connection: Socket, options: PluginSessionOptions): Promise<void> {
  const env = options.env ?? process.env;
  // Everything the session, the RPC layers and the component log goes to the plugin's logger
  // (winston, loaded with its first line) — or to the caller's own `log`.
  const created = options.customLog
    ? undefined
    : createLazyLogger({ env, ...(options.verbose === undefined ? {} : { verbose: options.verbose }) });
  const log: PluginLog = created ? created.log : options.log;
  const logger: Logger = created ?? loggerFromPluginLog(log);
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const session = new YamuxSession(connection, {
    role: 'server',
    onLog: (level, message, details) => log(level, message, details),
  });
  const broker = new MuxBroker(session, { onLog: (level, message, details) => log(level, message, details) });
  // Core dials id 0 at once; accept before loading the component.
  const main = broker.accept(0);

  const inFlight = new Set<Promise<unknown>>();
  let crash: ((err: Error) => void) | undefined;
  const crashed = new Promise<never>((_, reject) => (crash = reject));
  crashed.catch(() => undefined);
  const guard =
    (handler: RpcHandler): RpcHandler =>
    (args, ctx) => {
      const running = Promise.race([handler(args, ctx), crashed]);
      inFlight.add(running);
      void running.finally(() => inFlight.delete(running)).catch(() => undefined);
      return running;
    };
  const createServer = (): RpcServer => new GuardedRpcServer(guard, { onLog: rpcLog(log) });

  const onFatal = (err: unknown): void => {
    log('error', `plugin crashed: ${err instanceof Error ? (err.stack ?? err.message) : describeError(err)}`);
    crash?.(
      new SdkError('PKR_ERR_PLUGIN_CRASHED', `the plugin crashed: ${describeError(err)}`, { cause: err }),
    );
    // Give the error replies a moment to reach core, then go.
    setTimeout(() => exit(1), 200).unref();
  };
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);

  const component = await options.factory();
  // Opt-in: grpc-js is loaded only for a builder asked to serve build control.
  const control =
    options.kind === 'builder' && env[CONTROL_ENV] ? await startControl(env, logger, component) : undefined;
  if (control) process.once('exit', () => void control.close());
  const ctx: ServiceContext = {
    broker,
    protobuf: options.protobuf,
    log,
    logger,
    ...(control ? { observer: control.observer } : {}),
    createServer,
    ...(options.hcldecPackage ? { hcldecPackage: options.hcldecPackage } : {}),
  };
  const server = createServer();
  registerComponentServer(options.kind, component, server, ctx);

  const sessionClosed = new Promise<void>((resolve) => session.once('close', () => resolve()));
  try {
    await server.serve(await main);
  } catch (err) {
    log('error', `core never opened the component stream: ${describeError(err)}`);
  }
  await sessionClosed;
  log('debug', 'connection to Packer closed; letting running calls clean up');
  const drained = Promise.allSettled([...inFlight]);
  const timeout = new Promise<void>((resolve) =>
    setTimeout(resolve, options.drainTimeoutMs ?? 5 * 60_000).unref(),
  );
  await Promise.race([drained, timeout]);
  await control?.close();
  exit(0);
}

/** Starts the build-control service; a refused configuration is logged, and the build runs without it. */
async function startControl(
  env: NodeJS.ProcessEnv,
  logger: Logger,
  component: unknown,
): Promise<BuildControlService | undefined> {
  try {
    const { startBuildControl } = await import('../../observability/control-service.js');
    return await startBuildControl({ env, logger, component });
  } catch (err) {
    logger.error(`build control not started: ${describeError(err)}`);
    return undefined;
  }
}

/** An RpcServer whose handlers all run under the session's crash guard. */
class GuardedRpcServer extends RpcServer {
  constructor(
    private readonly guard: (h: RpcHandler) => RpcHandler,
    options: ConstructorParameters<typeof RpcServer>[0],
  ) {
    super(options);
  }

  override register(service: string, methods: Record<string, RpcHandler>): void {
    const guarded: Record<string, RpcHandler> = {};
    for (const [name, handler] of Object.entries(methods)) guarded[name] = this.guard(handler);
    super.register(service, guarded);
  }
}
