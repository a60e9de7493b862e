import { performance } from 'node:perf_hooks';
import { SdkError } from '../../errors/index.js';

interface PendingPing {
  readonly start: number;
  readonly timer: NodeJS.Timeout;
  readonly resolve: (rttMs: number) => void;
  readonly reject: (err: Error) => void;
}

/**
 * Outstanding pings by opaque id. Ids count from 0 and wrap at 2^32, as Go's `pingID` does;
 * an answer nobody waits for (late, or never asked) is ignored.
 */
export class PingTracker {
  readonly #pending = new Map<number, PendingPing>();
  #nextId = 0;

  constructor(readonly timeoutMs: number) {}

  /** Allocates an id, calls `send(id)`, and resolves with the round trip in ms. */
  start(send: (id: number) => void): Promise<number> {
    const id = this.#nextId;
    this.#nextId = (this.#nextId + 1) >>> 0;
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new SdkError('PKR_ERR_YAMUX_PING_TIMEOUT', `yamux ping ${id} got no answer`, {
            details: { id, timeoutMs: this.timeoutMs },
          }),
        );
      }, this.timeoutMs);
      timer.unref();
      this.#pending.set(id, { start: performance.now(), timer, resolve, reject });
      send(id);
    });
  }

  /** The peer answered ping `id`. */
  answer(id: number): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(performance.now() - pending.start);
  }

  failAll(err: Error): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(err);
    }
    this.#pending.clear();
  }
}
