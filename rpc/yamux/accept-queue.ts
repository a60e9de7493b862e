import { kAccept, type YamuxStream } from './stream.js';

interface Waiter {
  readonly resolve: (stream: YamuxStream) => void;
  readonly reject: (err: Error) => void;
}

export interface AcceptQueueOptions {
  /** Streams that may wait for a consumer; Go's `AcceptBacklog`. */
  readonly limit: number;
  /** True when the session has 'stream' listeners. */
  readonly hasListeners: () => boolean;
  /** Emits 'stream' for a stream that was just acknowledged. */
  readonly emit: (stream: YamuxStream) => void;
}

/**
 * Inbound streams and who gets them. Each stream goes to exactly one consumer, in arrival
 * order: the oldest pending `accept()` first, otherwise the 'stream' listeners, otherwise it
 * waits (unacknowledged, as in Go) until one of them turns up. The ACK is sent on hand-over.
 */
export class AcceptQueue {
  readonly #options: AcceptQueueOptions;
  readonly #backlog: YamuxStream[] = [];
  readonly #waiters: Waiter[] = [];

  constructor(options: AcceptQueueOptions) {
    this.#options = options;
  }

  /** True when a new stream would have to be parked and the backlog has no room. */
  get full(): boolean {
    return (
      this.#waiters.length === 0 &&
      !this.#options.hasListeners() &&
      this.#backlog.length >= this.#options.limit
    );
  }

  /** Hands a new inbound stream over, or parks it (check {@link full} first). */
  offer(stream: YamuxStream): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      stream[kAccept]();
      waiter.resolve(stream);
    } else if (this.#options.hasListeners()) {
      stream[kAccept]();
      this.#options.emit(stream);
    } else {
      this.#backlog.push(stream);
    }
  }

  /** The next parked stream, or a promise for the next one to arrive. */
  take(): YamuxStream | Promise<YamuxStream> {
    const parked = this.#backlog.shift();
    if (parked) {
      parked[kAccept]();
      return parked;
    }
    return new Promise<YamuxStream>((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Hands parked streams to 'stream' listeners that were added after they arrived. */
  drainToListeners(): void {
    while (this.#backlog.length > 0 && this.#options.hasListeners()) {
      const stream = this.#backlog.shift()!;
      stream[kAccept]();
      this.#options.emit(stream);
    }
  }

  /** Forgets a parked stream the peer reset before anyone took it. */
  remove(stream: YamuxStream): void {
    const index = this.#backlog.indexOf(stream);
    if (index >= 0) this.#backlog.splice(index, 1);
  }

  /** Rejects every pending `accept()` and forgets parked streams (the session fails them). */
  failAll(err: Error): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(err);
    this.#backlog.length = 0;
  }
}
