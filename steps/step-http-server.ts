import { Type, type Static } from '@sinclair/typebox';
import { stat, realpath } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import type { ConfigProblem } from '../config/problem.js';
import { abortReason } from '../engine/clock.js';
import { keys } from '../engine/keys.js';
import type { State } from '../engine/state.js';
import type { CleanupContext, Step, StepContext, StepResult } from '../engine/step.js';
import { describeError, SdkError } from '../errors/index.js';
import {
  bindAddressFor,
  guestAddressFor,
  isWildcardAddress,
  listenInRange,
  type HostNetwork,
} from './http-address.js';
import { contentHandler, directoryHandler, type RequestHandler } from './http-file-handler.js';

/**
 * Packer's HTTP server fields (`http_directory`, `http_content`, `http_port_min`/`max`,
 * `http_bind_address`, `http_interface`, `http_callback_address`). Spread
 * `httpConfig.properties` into a builder's schema and add {@link validateHttpConfig} to its
 * validate hook.
 */
export const httpConfig = Type.Object({
  http_directory: Type.String({
    default: '',
    description:
      'A directory to serve over HTTP to the machine being built (kickstart, preseed, autoinstall files). Empty: no server, unless http_content is set.',
  }),
  http_content: Type.Record(Type.String(), Type.String(), {
    default: {},
    description:
      'Paths (starting with "/") mapped to the text served there, instead of http_directory; e.g. { "/ks.cfg" = templatefile("ks.pkrtpl", {}) }.',
  }),
  http_port_min: Type.Integer({
    default: 8000,
    minimum: 1,
    maximum: 65535,
    description: 'Lowest port the HTTP server may use; a random free port of the range is picked.',
  }),
  http_port_max: Type.Integer({
    default: 9000,
    minimum: 1,
    maximum: 65535,
    description: 'Highest port the HTTP server may use. Set both to one value to force that port.',
  }),
  http_bind_address: Type.String({
    default: '0.0.0.0',
    description:
      'Address the HTTP server listens on. The default 0.0.0.0 listens on every interface, as in Packer; then the guest is told the address of the interface with the default route.',
  }),
  http_interface: Type.String({
    default: '',
    description:
      'Name of a network interface (e.g. "eth0") whose IPv4 address the server binds to and the guest is told; cannot be combined with an http_bind_address other than 0.0.0.0.',
  }),
  http_callback_address: Type.String({
    default: '',
    description:
      'Address (IP or name) the guest should use to reach the server when it differs from the bound one (NAT, containers, proxies); becomes {{ .HTTPIP }}.',
  }),
});

export type HttpConfig = Static<typeof httpConfig>;

/** The cross-field rules of Packer's HTTPConfig.Prepare, as problems with field paths. */
export function validateHttpConfig(config: Partial<HttpConfig>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const min = config.http_port_min ?? 8000;
  const max = config.http_port_max ?? 9000;
  if (min > max)
    problems.push({ path: 'http_port_min', message: `must not be above http_port_max (${min} > ${max})` });
  if ((config.http_directory ?? '') !== '' && Object.keys(config.http_content ?? {}).length > 0) {
    problems.push({
      path: 'http_content',
      message: 'cannot be used together with http_directory; serve the files with one of them',
    });
  }
  if ((config.http_interface ?? '') !== '' && !isWildcardAddress(config.http_bind_address ?? '')) {
    problems.push({
      path: 'http_interface',
      message: 'cannot be combined with http_bind_address; set only one of them',
    });
  }
  for (const key of Object.keys(config.http_content ?? {})) {
    if (!key.startsWith('/')) {
      problems.push({ path: `http_content[${JSON.stringify(key)}]`, message: 'paths must start with "/"' });
    }
  }
  return problems;
}

export interface StepHttpServerOptions {
  /** Step name; default "http-server". */
  readonly name?: string;
  /** Where relative `http_directory` paths start (default: the working directory). */
  readonly cwd?: string;
  /** The host's interfaces and routes (specs pass fixed ones). */
  readonly network?: HostNetwork;
  /** Picks the first port tried (default Math.random). */
  readonly random?: () => number;
}

/**
 * Serves `http_directory` or `http_content` to the machine being built and puts the address
 * the guest should use in `keys.httpIp` and the port in `keys.httpPort` (`{{ .HTTPIP }}`,
 * `{{ .HTTPPort }}` in boot commands). With neither set it only records port 0, as Packer
 * does. Cleanup stops the server and drops open connections, freeing the port.
 */
export class StepHttpServer implements Step {
  readonly name: string;
  readonly #config: Partial<HttpConfig>;
  readonly #options: StepHttpServerOptions;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(config: Partial<HttpConfig>, options: StepHttpServerOptions = {}) {
    this.#config = config;
    this.#options = options;
    this.name = options.name ?? 'http-server';
  }

  async run(state: State, ctx: StepContext): Promise<StepResult> {
    const c = this.#config;
    const directory = c.http_directory ?? '';
    const content = c.http_content ?? {};
    if (directory === '' && Object.keys(content).length === 0) {
      state.put(keys.httpPort, 0);
      return 'continue';
    }
    const problems = validateHttpConfig(c);
    if (problems.length > 0) {
      throw new SdkError(
        'PKR_ERR_CONFIG_INVALID',
        problems.map((p) => `${p.path}: ${p.message}`).join('; '),
        {
          details: { problems },
        },
      );
    }
    const ui = state.require(keys.ui);
    const handler =
      directory === '' ? contentHandler(content) : directoryHandler(await this.#root(directory));
    const host = bindAddressFor(
      c.http_bind_address ?? '0.0.0.0',
      c.http_interface ?? '',
      this.#options.network,
    );
    const server = createServer((req, res) => void serve(handler, req, res));
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    this.#server = server;
    const port = await listenInRange(server, {
      min: c.http_port_min ?? 8000,
      max: c.http_port_max ?? 9000,
      host,
      signal: ctx.signal,
      ...(this.#options.random ? { random: this.#options.random } : {}),
    });
    if (ctx.signal.aborted) throw abortReason(ctx.signal);
    const known = state.get(keys.httpIp);
    const guest =
      (c.http_callback_address ?? '') === '' && known !== undefined && known !== ''
        ? known
        : await guestAddressFor(host, c.http_callback_address ?? '', this.#options.network);
    await ui.say(`Starting HTTP server on address ${guest} and port ${port}`);
    state.put(keys.httpIp, guest);
    state.put(keys.httpPort, port);
    return 'continue';
  }

  async cleanup(state: State, _ctx: CleanupContext): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    if (!server.listening) return;
    const closed = new Promise<void>((resolve, reject) =>
      server.close((err) => (err ? reject(err) : resolve())),
    );
    // Keep-alive and half-read downloads would hold close() open: end them now.
    for (const socket of this.#sockets) socket.destroy();
    try {
      await closed;
    } catch (err) {
      await state.get(keys.ui)?.error(`Failed closing the HTTP server: ${describeError(err)}`);
    }
  }

  async #root(directory: string): Promise<string> {
    const abs = path.resolve(this.#options.cwd ?? process.cwd(), directory);
    const info = await stat(abs).catch((err: unknown) => {
      throw new SdkError('PKR_ERR_HTTP_DIRECTORY', `http_directory ${directory} does not exist`, {
        cause: err,
        details: { path: abs },
      });
    });
    if (!info.isDirectory()) {
      throw new SdkError('PKR_ERR_HTTP_DIRECTORY', `http_directory ${directory} is not a directory`, {
        details: { path: abs },
      });
    }
    return realpath(abs);
  }
}

/** Runs a handler, turning a failure into a 500 (or a dropped connection mid-body). */
async function serve(
  handler: RequestHandler,
  req: Parameters<RequestHandler>[0],
  res: Parameters<RequestHandler>[1],
): Promise<void> {
  try {
    await handler(req, res);
  } catch {
    if (!res.headersSent) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('internal error\n');
    } else {
      res.destroy();
    }
  }
}

/** The HTTP server step for a builder's config. */
export function stepHttpServer(
  config: Partial<HttpConfig>,
  options: StepHttpServerOptions = {},
): StepHttpServer {
  return new StepHttpServer(config, options);
}
