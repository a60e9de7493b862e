import { abortReason, type Clock } from '../engine/clock.js';

export interface ManualClock extends Clock {
  /** Moves time forward and resolves every sleep that is due. */
  advance(ms: number): void;
  /** Every sleep requested so far, in ms. */
  readonly sleeps: readonly number[];
}

/**
 * A clock that only moves when told, so specs never sleep. With `autoAdvance`, each sleep
 * advances time by its own length at once (handy for retry backoffs).
 */
export function createManualClock(options: { start?: number; autoAdvance?: boolean } = {}): ManualClock {
  let now = options.start ?? 0;
  const sleeps: number[] = [];
  const waiting: { due: number; resolve: () => void }[] = [];
  const clock: ManualClock = {
    now: () => now,
    sleeps,
    advance(ms: number) {
      now += ms;
      for (const w of waiting.filter((x) => x.due <= now)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    },
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      sleeps.push(ms);
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      if (options.autoAdvance) {
        now += ms;
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const entry = {
          due: now + ms,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = (): void => {
          waiting.splice(waiting.indexOf(entry), 1);
          reject(abortReason(signal));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(entry);
      });
    },
  };
  return clock;
}
