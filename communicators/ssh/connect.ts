import { abortReason, systemClock, type Clock } from '../../engine/clock.js';
import { type ErrorCode, SdkError } from '../../errors/index.js';
import { formatDurationMs } from '../../config/duration.js';
import { anySignal } from '../shared/abort.js';
import { dialSsh, prepareSsh } from './dial.js';
import type { SshCommunicatorOptions } from './options.js';
import { SshCommunicator } from './ssh-communicator.js';

/** How long and how often {@link connectSsh} tries. */
export interface SshWaitOptions {
  /** Give up after this long (Packer's `ssh_timeout`); 0 = never. Default 5 minutes. */
  timeoutMs?: number;
  /**
   * Give up after this many attempts in which a server answered but the handshake or
   * authentication failed (Packer's `ssh_handshake_attempts`); 0 = unlimited. Default 10.
   */
  handshakeAttempts?: number;
  /** Pause between two attempts (Packer hard-codes 2 s after a handshake failure). Default 2 s. */
  retryDelayMs?: number;
  signal?: AbortSignal;
  /** Time source for the deadline and pauses; specs pass a manual clock. */
  clock?: Clock;
  /** Told about every failed attempt that will be retried. */
  onRetry?: (error: SdkError, progress: { attempts: number; handshakeFailures: number }) => void;
}

export const DEFAULT_SSH_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_HANDSHAKE_ATTEMPTS = 10;
export const DEFAULT_RETRY_DELAY_MS = 2_000;

// Failures where nothing SSH answered yet: retried until the deadline, not counted.
const UNCOUNTED: readonly ErrorCode[] = ['PKR_ERR_SSH_CONNECT', 'PKR_ERR_SSH_PROXY'];
// A server answered but did not let us in: retried, counted against handshakeAttempts.
const COUNTED: readonly ErrorCode[] = ['PKR_ERR_SSH_HANDSHAKE', 'PKR_ERR_SSH_AUTH'];

/**
 * Connects to an SSH server, retrying while the machine boots: refused or unanswered TCP
 * connections are retried until `timeoutMs`; failed handshakes and authentications also
 * count against `handshakeAttempts`. A refused host key, an unreadable key or a missing
 * agent fail at once. Cancelling `signal` stops promptly.
 *
 * @throws SdkError `PKR_ERR_SSH_TIMEOUT` (cause: the last attempt's error), the last
 * `PKR_ERR_SSH_AUTH`/`PKR_ERR_SSH_HANDSHAKE` once the attempts are used up, or the fatal
 * errors above.
 * @example
 * const comm = await connectSsh(
 *   { host: '10.0.0.5', username: 'ubuntu', auth: { privateKeys: [{ path: '~/.ssh/id_ed25519' }] } },
 *   { timeoutMs: 10 * 60_000 },
 * );
 */
export async function connectSsh(
  options: SshCommunicatorOptions,
  wait: SshWaitOptions = {},
): Promise<SshCommunicator> {
  const prepared = await prepareSsh(options);
  const clock = wait.clock ?? systemClock;
  const timeoutMs = wait.timeoutMs ?? DEFAULT_SSH_TIMEOUT_MS;
  const maxHandshakes = wait.handshakeAttempts ?? DEFAULT_HANDSHAKE_ATTEMPTS;
  const retryDelayMs = wait.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  const target = `${options.host}:${options.port ?? 22}`;

  const startedAt = clock.now();
  // The deadline aborts whatever attempt or pause is under way.
  const deadline = new AbortController();
  const stopDeadline = new AbortController();
  if (timeoutMs > 0) {
    clock.sleep(timeoutMs, stopDeadline.signal).then(
      () => deadline.abort(new Error('ssh_timeout')),
      () => undefined,
    );
  }
  const both = anySignal([wait.signal, deadline.signal]);
  let lastError: SdkError | undefined;
  const timedOut = (): SdkError =>
    new SdkError(
      'PKR_ERR_SSH_TIMEOUT',
      `timed out after ${formatDurationMs(timeoutMs)} waiting for SSH on ${target}${lastError ? `; last error: ${lastError.message}` : ''}`,
      { cause: lastError, details: { host: options.host, port: options.port ?? 22 } },
    );
  try {
    let attempts = 0;
    let handshakeFailures = 0;
    for (;;) {
      attempts++;
      try {
        const connection = await dialSsh(prepared, both.signal);
        return new SshCommunicator(prepared, connection);
      } catch (err) {
        if (wait.signal?.aborted) throw abortReason(wait.signal);
        if (deadline.signal.aborted) throw timedOut();
        if (!(err instanceof SdkError) || ![...UNCOUNTED, ...COUNTED].includes(err.code)) throw err;
        lastError = err;
        if (COUNTED.includes(err.code)) {
          handshakeFailures++;
          if (maxHandshakes > 0 && handshakeFailures >= maxHandshakes) {
            throw new SdkError(
              err.code,
              `${err.message} (gave up after ${handshakeFailures} handshake attempts)`,
              {
                cause: err,
                details: { ...err.details, attempts: handshakeFailures },
              },
            );
          }
        }
        wait.onRetry?.(err, { attempts, handshakeFailures });
      }
      try {
        await clock.sleep(retryDelayMs, both.signal);
      } catch {
        if (wait.signal?.aborted) throw abortReason(wait.signal);
        throw timedOut();
      }
      if (timeoutMs > 0 && clock.now() - startedAt >= timeoutMs) throw timedOut();
    }
  } finally {
    stopDeadline.abort();
    both.dispose();
  }
}
