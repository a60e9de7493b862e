import type { Clock } from '../engine/clock.js';
import { isSdkError } from '../errors/index.js';

export interface RetryStartOptions {
  readonly timeoutMs: number;
  readonly delayMs: number;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  /** Called with each failure that will be retried. */
  readonly onRetry?: (error: unknown) => Promise<void> | void;
}

/**
 * Runs `attempt` until it succeeds, the way Packer retries starting a script (the Go SDK's
 * `retry.Config{StartTimeout}`): after a failure it pauses `delayMs` and tries again, until
 * `timeoutMs` has passed since the first attempt; then the last error is thrown. Cancellation
 * is never retried, and interrupts the pause.
 */
export async function retryStart<T>(attempt: () => Promise<T>, options: RetryStartOptions): Promise<T> {
  const { clock, signal } = options;
  const deadline = clock.now() + options.timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (signal?.aborted || isSdkError(err, 'PKR_ERR_CANCELLED')) throw err;
      if (clock.now() >= deadline) throw err;
      await options.onRetry?.(err);
      await clock.sleep(options.delayMs, signal);
    }
  }
}
