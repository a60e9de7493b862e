import { SdkError } from '../../errors/index.js';
import { INITIAL_STREAM_WINDOW } from './frame.js';

/** Packer core is the yamux client (odd stream ids); a plugin is the server (even ids). */
export type YamuxRole = 'client' | 'server';

export type YamuxLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Receives what Go yamux would print to its logger (discarded data, keep-alive failures …). */
export type YamuxLogger = (
  level: YamuxLogLevel,
  message: string,
  details?: Readonly<Record<string, unknown>>,
) => void;

/** Session options. Every default is Go yamux's `DefaultConfig()`, which both Packer sides use. */
export interface YamuxOptions {
  role: YamuxRole;
  /** Ping the peer this often; 0 disables keep-alive. Default 30000. */
  keepAliveIntervalMs?: number;
  /** How long a ping (keep-alive or `ping()`) may wait for its answer. Default 10000. */
  connectionWriteTimeoutMs?: number;
  /** How long `open()` waits for the peer's ACK before the session is closed; 0 waits forever. Default 75000. */
  streamOpenTimeoutMs?: number;
  /** After our FIN, how long the peer has to send its FIN before the stream is reset; 0 waits forever. Default 300000. */
  streamCloseTimeoutMs?: number;
  /** Inbound streams waiting to be accepted; one more is refused with RST. Also caps un-ACKed opens. Default 256. */
  acceptBacklog?: number;
  /** Receive window per stream, at least 262144 (the initial window). Default 262144. */
  maxStreamWindow?: number;
  onLog?: YamuxLogger;
}

/** Options with every default filled in. */
export interface YamuxConfig {
  readonly role: YamuxRole;
  readonly keepAliveIntervalMs: number;
  readonly connectionWriteTimeoutMs: number;
  readonly streamOpenTimeoutMs: number;
  readonly streamCloseTimeoutMs: number;
  readonly acceptBacklog: number;
  readonly maxStreamWindow: number;
  readonly onLog: YamuxLogger;
}

export const yamuxDefaults = Object.freeze({
  keepAliveIntervalMs: 30_000,
  connectionWriteTimeoutMs: 10_000,
  streamOpenTimeoutMs: 75_000,
  streamCloseTimeoutMs: 300_000,
  acceptBacklog: 256,
  maxStreamWindow: INITIAL_STREAM_WINDOW,
});

// setTimeout clamps larger delays to 1 ms, which would turn a long timeout into an instant one.
const MAX_TIMER_MS = 0x7fffffff;

/** Checks options (they come from plugin code, so typos are caught early) and fills defaults. */
export function resolveYamuxOptions(options: YamuxOptions): YamuxConfig {
  const given = options as Partial<Record<keyof YamuxOptions, unknown>> | undefined;
  if (given === null || typeof given !== 'object') invalid('options', given, 'an object');
  if (given.role !== 'client' && given.role !== 'server') invalid('role', given.role, '"client" or "server"');
  if (given.onLog !== undefined && typeof given.onLog !== 'function')
    invalid('onLog', given.onLog, 'a function');
  return {
    role: given.role,
    keepAliveIntervalMs: integer(given, 'keepAliveIntervalMs', 0, MAX_TIMER_MS),
    connectionWriteTimeoutMs: integer(given, 'connectionWriteTimeoutMs', 1, MAX_TIMER_MS),
    streamOpenTimeoutMs: integer(given, 'streamOpenTimeoutMs', 0, MAX_TIMER_MS),
    streamCloseTimeoutMs: integer(given, 'streamCloseTimeoutMs', 0, MAX_TIMER_MS),
    acceptBacklog: integer(given, 'acceptBacklog', 1, 0xffff),
    maxStreamWindow: integer(given, 'maxStreamWindow', INITIAL_STREAM_WINDOW, 0xffffffff),
    onLog: (given.onLog as YamuxLogger | undefined) ?? (() => undefined),
  };
}

function integer(
  given: Partial<Record<keyof YamuxOptions, unknown>>,
  name: keyof typeof yamuxDefaults,
  min: number,
  max: number,
): number {
  const value = given[name] ?? yamuxDefaults[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(name, value, `an integer in ${min}..${max}`);
  }
  return value;
}

function invalid(name: string, value: unknown, expected: string): never {
  throw new SdkError('PKR_ERR_OPTION_INVALID', `yamux option ${name} must be ${expected}`, {
    details: { option: name, value: typeof value === 'function' ? 'function' : value },
  });
}
