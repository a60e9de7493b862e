import { timingSafeEqual } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../engine/logger.js';
import { describeError, isSdkError, SdkError, type ErrorCode } from '../errors/index.js';
import { parseBreakpointList, NO_BREAKPOINTS, BreakpointController } from './breakpoints.js';
import { decodeBreakpoints, type BuildEventMessage } from './control-messages.js';
import {
  CONTROL_BREAK_ENV,
  CONTROL_ENV,
  CONTROL_TOKEN_ENV,
  formatControlAddress,
  grpcTarget,
  parseControlAddress,
} from './control-address.js';
import { ControlObserver } from './control-observer.js';
import { buildControlService, ERROR_CODE_METADATA } from './control-proto.js';
import { prepareControlSocket, type ControlSocket } from './control-socket.js';
import { stepGraph, type GraphInput } from './step-graph.js';

export interface StartBuildControlOptions {
  /** Reads PACKER_SDK_CONTROL, PACKER_SDK_CONTROL_TOKEN and PACKER_SDK_CONTROL_BREAK. */
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  /** The plugin's builder; its `stepsFor` (defineBuilder builders) answers Graph. */
  readonly component?: unknown;
}

export interface BuildControlService {
  readonly observer: ControlObserver;
  /** Where it listens, in PACKER_SDK_CONTROL syntax (a TCP port 0 resolved). */
  readonly address: string;
  /** Ends Watch streams, stops listening and removes the socket; idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the BuildControl gRPC service for one plugin process, on the address
 * PACKER_SDK_CONTROL names. It stays up until the build ends (then it closes itself and
 * removes its socket) or `close()`. Refuses a non-loopback TCP address unless a token is
 * set, and then checks the token on every call.
 */
export async function startBuildControl(options: StartBuildControlOptions): Promise<BuildControlService> {
  const { env, logger } = options;
  const address = parseControlAddress(env[CONTROL_ENV] ?? '');
  const token = env[CONTROL_TOKEN_ENV] ?? '';
  if (address.kind === 'tcp' && !address.loopback && token === '') {
    throw new SdkError(
      'PKR_ERR_CONTROL_ADDRESS',
      `refusing to serve build control on ${address.host}, which is not a loopback address, without ${CONTROL_TOKEN_ENV}`,
      { details: { host: address.host } },
    );
  }
  const initial = env[CONTROL_BREAK_ENV] ? parseBreakpointList(env[CONTROL_BREAK_ENV]) : NO_BREAKPOINTS;

  const server = new grpc.Server();
  let socket: ControlSocket | undefined;
  let where = formatControlAddress(address);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      observer.feed.end();
      socket?.remove();
      await shutdown(server);
      logger.debug('build control closed', { address: where });
    })());
  const observer = new ControlObserver({
    controller: new BreakpointController(initial),
    // The build is over: nothing left to watch or steer, and the socket must not outlive it.
    // Closing waits for the last replies and Watch ends to leave (bounded), because Packer kills
    // the plugin as soon as Run returns.
    onBuildEnd: () =>
      close().catch((err: unknown) => logger.warn('closing build control failed', { error: err })),
  });
  server.addService(buildControlService(), handlers(observer, options.component, token));

  try {
    if (address.kind === 'unix') socket = await prepareControlSocket(address.path);
    const port = await bind(server, socket ? `unix:${socket.listenPath}` : grpcTarget(address));
    if (address.kind === 'tcp') where = formatControlAddress({ ...address, port });
    socket?.publish();
  } catch (err) {
    server.forceShutdown();
    socket?.remove();
    throw err;
  }
  logger.info('build control listening', { address: where });
  return { observer, address: where, close };
}

function bind(server: grpc.Server, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(target, grpc.ServerCredentials.createInsecure(), (err, port) => {
      if (err) {
        reject(
          new SdkError('PKR_ERR_CONTROL_LISTEN', `cannot listen on ${target}: ${err.message}`, {
            cause: err,
            details: { target },
          }),
        );
      } else resolve(port);
    });
  });
}

/** Graceful shutdown, forced if open calls have not finished within a second. */
function shutdown(server: grpc.Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 1000);
    force.unref();
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}

type Call = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>;

function handlers(
  observer: ControlObserver,
  component: unknown,
  token: string,
): grpc.UntypedServiceImplementation {
  const { controller } = observer;
  const authorised = (call: Call): boolean => {
    if (token === '') return true;
    const given = Buffer.from(String(call.metadata.get('authorization')[0] ?? ''));
    const wanted = Buffer.from(`Bearer ${token}`);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  };
  const unary =
    (handle: (request: unknown) => unknown): grpc.handleUnaryCall<unknown, unknown> =>
    (call, callback) => {
      if (!authorised(call)) {
        callback(serviceError(new SdkError('PKR_ERR_CONTROL_UNAUTHENTICATED', 'missing or wrong token')));
        return;
      }
      Promise.resolve()
        .then(() => handle(call.request))
        .then(
          (reply) => {
            if (reply instanceof ReplyThenAct) {
              callback(null, reply.reply);
              setImmediate(reply.act);
            } else callback(null, reply);
          },
          (err: unknown) => callback(serviceError(err)),
        );
    };
  const requirePaused = (what: string): string => {
    const paused = controller.paused;
    if (!paused) throw new SdkError('PKR_ERR_CONTROL_NOT_PAUSED', `cannot ${what}: the build is not paused`);
    return paused.path.join('/');
  };
  // The pause may have ended meanwhile (a Cancel, Packer's Cancel): nothing left to do then.
  const quietly = (act: () => unknown) => (): void => {
    try {
      act();
    } catch {
      // see above
    }
  };

  return {
    Watch: (call: grpc.ServerWritableStream<unknown, BuildEventMessage>) => {
      if (!authorised(call)) {
        // grpc-js ends a server stream with a status through its 'error' event.
        call.emit(
          'error',
          serviceError(new SdkError('PKR_ERR_CONTROL_UNAUTHENTICATED', 'missing or wrong token')),
        );
        return;
      }
      const unsubscribe = observer.feed.subscribe({
        event: (event) => call.write(event),
        end: () => call.end(),
      });
      call.once('cancelled', unsubscribe);
      call.once('close', unsubscribe);
    },
    GetState: unary(() => observer.state()),
    SetBreakpoints: unary((request) => controller.set(decodeBreakpoints(request))),
    Resume: unary(
      () =>
        new ReplyThenAct(
          { message: `resumed at ${requirePaused('resume')}` },
          quietly(() => controller.resume()),
        ),
    ),
    StepOver: unary(
      () =>
        new ReplyThenAct(
          { message: `stepping over ${requirePaused('step over')}` },
          quietly(() => controller.stepOver()),
        ),
    ),
    Cancel: unary((request) => {
      if (!observer.running)
        throw new SdkError('PKR_ERR_CONTROL_NO_BUILD', 'there is no running build to cancel');
      const reason = (request as { reason?: unknown } | null)?.reason;
      const why = typeof reason === 'string' && reason !== '' ? reason : 'cancelled through build control';
      return new ReplyThenAct(
        { message: `cancelling: ${why}` },
        quietly(() => observer.cancel(why)),
      );
    }),
    Graph: unary(async (request) => stepGraph(await stepsFor(component, request))),
  };
}

async function stepsFor(component: unknown, request: unknown): Promise<GraphInput> {
  const lister = (component as { stepsFor?: unknown } | null)?.stepsFor;
  if (typeof lister !== 'function') {
    throw new SdkError(
      'PKR_ERR_GRAPH_UNSUPPORTED',
      'this builder was not made with defineBuilder and cannot list its steps',
    );
  }
  const texts = (request as { configsJson?: unknown } | null)?.configsJson;
  const configs = (Array.isArray(texts) ? texts : []).map((text: unknown, i) => {
    try {
      return JSON.parse(String(text)) as unknown;
    } catch (cause) {
      throw new SdkError('PKR_ERR_CONFIG_INVALID', `config ${i} is not JSON: ${describeError(cause)}`, {
        cause,
      });
    }
  });
  const listed = (await (lister as (raws: unknown[]) => Promise<unknown>).call(
    component,
    configs,
  )) as Partial<GraphInput>;
  if (typeof listed.name !== 'string' || !Array.isArray(listed.steps)) {
    throw new SdkError('PKR_ERR_GRAPH_UNSUPPORTED', "the builder's stepsFor did not return { name, steps }");
  }
  return { name: listed.name, steps: listed.steps };
}

/**
 * A reply whose effect starts only once the reply is on its way. Resuming or cancelling can
 * end the build, and Packer kills the plugin as soon as it learns that: acting first could
 * let that kill beat the reply.
 */
class ReplyThenAct {
  constructor(
    readonly reply: unknown,
    readonly act: () => void,
  ) {}
}

const STATUS: Partial<Record<ErrorCode, grpc.status>> = {
  PKR_ERR_CONTROL_UNAUTHENTICATED: grpc.status.UNAUTHENTICATED,
  PKR_ERR_CONTROL_NOT_PAUSED: grpc.status.FAILED_PRECONDITION,
  PKR_ERR_CONTROL_NO_BUILD: grpc.status.FAILED_PRECONDITION,
  PKR_ERR_CONTROL_BREAKPOINT: grpc.status.INVALID_ARGUMENT,
  PKR_ERR_CONFIG_INVALID: grpc.status.INVALID_ARGUMENT,
  PKR_ERR_GRAPH_UNSUPPORTED: grpc.status.UNIMPLEMENTED,
};

/** A failed call: the status for the code, the message, and the code itself as metadata. */
function serviceError(err: unknown): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  if (isSdkError(err)) metadata.set(ERROR_CODE_METADATA, err.code);
  const details = isSdkError(err) ? err.message : describeError(err);
  return Object.assign(new Error(details), {
    code: (isSdkError(err) ? STATUS[err.code] : undefined) ?? grpc.status.INTERNAL,
    details,
    metadata,
  });
}
