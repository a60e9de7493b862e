import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { Algorithms, Client, ClientChannel, ConnectConfig } from 'ssh2';
import { abortReason } from '../../engine/clock.js';
import { SdkError } from '../../errors/index.js';
import { anySignal } from '../shared/abort.js';
import { agentSocket, AuthSession, prepareAuth, type PreparedAuth } from './auth.js';
import { HostKeyVerifier, type HostKeyInfo } from './host-key.js';
import {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_COUNT_MAX,
  DEFAULT_KEEP_ALIVE_INTERVAL_MS,
  type SshCommunicatorOptions,
  type SshEndpoint,
} from './options.js';
import { connectTcp, connectThroughProxy } from './proxy.js';
import { openTunnels } from './tunnels.js';

// How long close() waits for the server to acknowledge the disconnect before dropping it.
const CLOSE_GRACE_MS = 5_000;

/** Options checked and keys parsed once; every attempt dials from this. */
export interface PreparedSsh {
  readonly options: SshCommunicatorOptions;
  readonly auth: PreparedAuth;
  readonly bastionAuth: PreparedAuth | undefined;
  /** Socket forwarded to commands, when agent forwarding is on and an agent exists. */
  readonly forwardAgent: string | undefined;
}

/**
 * Parses keys and finds agents for the target and the bastion.
 * @throws SdkError `PKR_ERR_SSH_KEY` / `PKR_ERR_SSH_AGENT` / `PKR_ERR_OPTION_INVALID`.
 */
export async function prepareSsh(options: SshCommunicatorOptions): Promise<PreparedSsh> {
  if (options.bastion && options.proxy) {
    throw new SdkError('PKR_ERR_OPTION_INVALID', 'give either a bastion host or a proxy, not both');
  }
  return {
    options,
    auth: await prepareAuth(options.auth),
    bastionAuth: options.bastion ? await prepareAuth(options.bastion.auth) : undefined,
    forwardAgent: options.agentForwarding ? agentSocket(options.agentForwarding) : undefined,
  };
}

/** A live, authenticated connection (and the bastion connection it runs through). */
export interface SshConnection {
  readonly client: Client;
  readonly bastion: Client | undefined;
  readonly hostKey: HostKeyInfo | undefined;
  /** False once the connection dropped or was closed. */
  readonly alive: boolean;
  /** Ends the connection (and the bastion's) and resolves once closed. */
  close(): Promise<void>;
}

/**
 * Makes one connection attempt: TCP (direct, through the proxy, or through a channel of the
 * bastion connection), the SSH handshake with host-key check, authentication, tunnels.
 * The whole attempt is bounded by `handshakeTimeoutMs`.
 *
 * Errors are coded by stage: `PKR_ERR_SSH_CONNECT` / `PKR_ERR_SSH_PROXY` (nothing
 * answered), `PKR_ERR_SSH_HANDSHAKE` / `PKR_ERR_SSH_AUTH` (an SSH server answered but let
 * us not in), `PKR_ERR_SSH_HOST_KEY` (refused key), or the signal's cancellation error.
 */
export async function dialSsh(prepared: PreparedSsh, signal?: AbortSignal): Promise<SshConnection> {
  const o = prepared.options;
  const port = o.port ?? 22;
  const timeoutMs = o.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const attempt = anySignal([signal]);
  let stage: 'connect' | 'handshake' = 'connect';
  let where = `${o.host}:${port}`;
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          const seconds = `${timeoutMs / 1000}s`;
          attempt.abort(
            stage === 'connect'
              ? new SdkError('PKR_ERR_SSH_CONNECT', `no TCP connection to ${where} within ${seconds}`, {
                  details: { host: o.host, port },
                })
              : new SdkError('PKR_ERR_SSH_HANDSHAKE', `no SSH handshake with ${where} within ${seconds}`, {
                  details: { host: o.host, port },
                }),
          );
        }, timeoutMs)
      : undefined;
  let bastion: Client | undefined;
  try {
    let sock: Duplex;
    if (o.bastion && prepared.bastionAuth) {
      const b = o.bastion;
      const bPort = b.port ?? 22;
      where = `bastion ${b.host}:${bPort}`;
      const bSock = await connectTcp(b.host, bPort, attempt.signal);
      stage = 'handshake';
      bastion = (
        await handshake(bSock, b, prepared.bastionAuth, o, undefined, attempt.signal, 'the bastion host')
      ).client;
      where = `${o.host}:${port} (through bastion ${b.host}:${bPort})`;
      stage = 'connect';
      sock = await forwardOut(bastion, o.host, port);
    } else if (o.proxy) {
      sock = await connectThroughProxy(o.proxy, o.host, port, attempt.signal);
    } else {
      sock = await connectTcp(o.host, port, attempt.signal);
    }
    stage = 'handshake';
    coalesceWrites(sock);
    const { client, hostKey } = await handshake(
      sock,
      o,
      prepared.auth,
      o,
      prepared.forwardAgent,
      attempt.signal,
      'the SSH server',
    );
    if (o.tunnels && o.tunnels.length > 0) {
      await openTunnels(client, o.tunnels).catch((err: unknown) => {
        client.end();
        throw err;
      });
    }
    return trackConnection(client, bastion, hostKey, o.readWriteTimeoutMs ?? 0, sock);
  } catch (err) {
    bastion?.end();
    if (signal?.aborted) throw abortReason(signal);
    if (attempt.signal.aborted && attempt.signal.reason instanceof SdkError) throw attempt.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
    attempt.dispose();
  }
}

function forwardOut(bastion: Client, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    bastion.forwardOut('127.0.0.1', 0, host, port, (err, channel) => {
      if (err) {
        reject(
          new SdkError(
            'PKR_ERR_SSH_CONNECT',
            `the bastion host cannot reach ${host}:${port}: ${err.message}`,
            {
              cause: err,
              details: { host, port },
            },
          ),
        );
      } else {
        resolve(channel);
      }
    });
  });
}

/** Runs the SSH handshake and authentication on an open stream. */
function handshake(
  sock: Duplex,
  endpoint: SshEndpoint,
  auth: PreparedAuth,
  o: SshCommunicatorOptions,
  forwardAgent: string | undefined,
  signal: AbortSignal,
  label: string,
): Promise<{ client: Client; hostKey: HostKeyInfo | undefined }> {
  const port = endpoint.port ?? 22;
  const client = new ssh2.Client();
  const verifier = new HostKeyVerifier(endpoint.hostKey, endpoint.host, port, label);
  const session = new AuthSession(auth, endpoint.username);
  const algorithms: Algorithms = {};
  if (o.ciphers && o.ciphers.length > 0) algorithms.cipher = [...o.ciphers] as Algorithms['cipher'];
  if (o.kexAlgorithms && o.kexAlgorithms.length > 0)
    algorithms.kex = [...o.kexAlgorithms] as Algorithms['kex'];
  const interval = o.keepAliveIntervalMs ?? DEFAULT_KEEP_ALIVE_INTERVAL_MS;
  const countMax = o.keepAliveCountMax ?? DEFAULT_KEEP_ALIVE_COUNT_MAX;
  const config: ConnectConfig = {
    sock,
    username: endpoint.username,
    authHandler: session.handler,
    hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
      void verifier.verify(key).then(verify);
    },
    keepaliveInterval: interval > 0 ? interval : 0,
    // ssh2 gives up after countMax unanswered pings; 0 would mean "after the first".
    keepaliveCountMax: countMax > 0 ? countMax : Number.POSITIVE_INFINITY,
    // Our own attempt timer bounds the handshake.
    readyTimeout: 0,
    ...(Object.keys(algorithms).length > 0 ? { algorithms } : {}),
    ...(o.debug ? { debug: o.debug } : {}),
    // Setting the agent lets ssh2 serve forwarded-agent channels; forwarding itself is
    // requested per command (see exec.ts), so a server that refuses it does not fail commands.
    ...(forwardAgent ? { agent: forwardAgent } : {}),
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (err) {
        client.removeAllListeners('ready');
        client.on('error', () => undefined);
        client.destroy();
        sock.destroy();
        reject(err);
      } else {
        resolve({ client, hostKey: verifier.presented });
      }
    };
    const onAbort = (): void => finish(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    client.once('ready', () => finish(undefined));
    client.on('error', (err: Error & { level?: string }) => {
      if (verifier.failure) finish(verifier.failure);
      else if (err.level === 'client-authentication') finish(session.failure(endpoint.host, port, err));
      else {
        finish(
          new SdkError(
            'PKR_ERR_SSH_HANDSHAKE',
            `SSH handshake with ${label} ${endpoint.host}:${port} failed: ${err.message}`,
            { cause: err, details: { host: endpoint.host, port } },
          ),
        );
      }
    });
    client.once('close', () =>
      finish(
        verifier.failure ??
          new SdkError(
            'PKR_ERR_SSH_HANDSHAKE',
            `${label} ${endpoint.host}:${port} closed the connection during the SSH handshake`,
            { details: { host: endpoint.host, port } },
          ),
      ),
    );
    if (signal.aborted) {
      onAbort();
      return;
    }
    client.connect(config);
  });
}

function trackConnection(
  client: Client,
  bastion: Client | undefined,
  hostKey: HostKeyInfo | undefined,
  readWriteTimeoutMs: number,
  sock: Duplex,
): SshConnection {
  let alive = true;
  const closed = new Promise<void>((resolve) => {
    client.once('close', () => {
      alive = false;
      clearTimeout(idleTimer);
      bastion?.end();
      resolve();
    });
  });
  // Errors after the handshake (keep-alive timeout, socket reset) surface as a closed
  // connection: commands then report EXIT_STATUS_DISCONNECTED.
  client.on('error', () => undefined);
  bastion?.on('error', () => undefined);
  bastion?.once('close', () => client.destroy());
  // ssh_read_write_timeout: the Go SDK puts read/write deadlines on the socket; nothing
  // received for that long means the peer is gone.
  let idleTimer: NodeJS.Timeout | undefined;
  if (readWriteTimeoutMs > 0) {
    const arm = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => client.destroy(), readWriteTimeoutMs);
    };
    sock.on('data', arm);
    arm();
  }
  return {
    client,
    bastion,
    hostKey,
    get alive() {
      return alive;
    },
    async close() {
      if (alive) {
        client.end();
        // A peer that no longer reads never answers the disconnect: do not wait for it forever.
        const force = setTimeout(() => client.destroy(), CLOSE_GRACE_MS);
        await closed;
        clearTimeout(force);
      }
      bastion?.end();
    },
  };
}

/**
 * ssh2 writes every SSH packet (at most 32 KiB of data) with its own write call; during a
 * transfer that is one syscall per packet. Corking the stream for the rest of the tick lets
 * Node hand all packets of a burst to the kernel in one writev.
 */
function coalesceWrites(sock: Duplex): void {
  const write = sock.write.bind(sock) as (...args: unknown[]) => boolean;
  let corked = false;
  const uncork = (): void => {
    corked = false;
    sock.uncork();
  };
  sock.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      sock.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as typeof sock.write;
}
