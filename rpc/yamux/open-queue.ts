import { SdkError } from '../../errors/index.js';
import type { YamuxStream } from './stream.js';

interface Request {
  readonly resolve: (stream: YamuxStream) => void;
  readonly reject: (err: Error) => void;
}

interface Pending extends Request {
  readonly stream: YamuxStream;
  readonly timer: NodeJS.Timeout | undefined;
}

export interface OpenQueueOptions {
  /** Opens that may wait for their ACK at once; later ones queue (Go's `synCh`, sized by AcceptBacklog). */
  readonly limit: number;
  /** How long an open waits for its ACK; 0 forever. */
  readonly timeoutMs: number;
  /** Allocates the next id, registers the stream and sends its SYN; an error refuses the open. */
  readonly start: () => YamuxStream | Error;
  /** An open got no ACK in time (Go then closes the whole session). */
  readonly onTimeout: (err: SdkError) => void;
}

/** Streams this side opened and the peer has not acknowledged yet, with their timers. */
export class OpenQueue {
  readonly #options: OpenQueueOptions;
  readonly #pending = new Map<number, Pending>();
  readonly #queued: Request[] = [];

  constructor(options: OpenQueueOptions) {
    this.#options = options;
  }

  /** Resolves with the stream once the peer ACKs it. */
  open(): Promise<YamuxStream> {
    return new Promise<YamuxStream>((resolve, reject) => {
      if (this.#pending.size < this.#options.limit) this.#start({ resolve, reject });
      else this.#queued.push({ resolve, reject });
    });
  }

  /** The peer ACKed `stream`. */
  established(stream: YamuxStream): void {
    const pending = this.#pending.get(stream.id);
    if (pending?.stream !== stream) return;
    this.#settle(pending);
    pending.resolve(stream);
  }

  /** `stream` ended before its ACK (the peer reset it). */
  failed(stream: YamuxStream, reason: Error): void {
    const pending = this.#pending.get(stream.id);
    if (pending?.stream !== stream) return;
    this.#settle(pending);
    pending.reject(reason);
  }

  /** Rejects the opens that have not sent their SYN yet (the peer said GoAway). */
  refuseQueued(err: Error): void {
    for (const request of this.#queued.splice(0)) request.reject(err);
  }

  /** Rejects everything, and clears every timer. */
  failAll(err: Error): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(err);
    }
    this.#pending.clear();
    this.refuseQueued(err);
  }

  #start(request: Request): void {
    const stream = this.#options.start();
    if (stream instanceof Error) {
      request.reject(stream);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    if (this.#options.timeoutMs > 0) {
      timer = setTimeout(() => this.#timedOut(stream), this.#options.timeoutMs);
      timer.unref();
    }
    this.#pending.set(stream.id, { stream, timer, resolve: request.resolve, reject: request.reject });
  }

  #settle(pending: Pending): void {
    this.#pending.delete(pending.stream.id);
    clearTimeout(pending.timer);
    while (this.#queued.length > 0 && this.#pending.size < this.#options.limit)
      this.#start(this.#queued.shift()!);
  }

  #timedOut(stream: YamuxStream): void {
    const pending = this.#pending.get(stream.id);
    if (pending?.stream !== stream) return;
    this.#pending.delete(stream.id);
    const err = new SdkError(
      'PKR_ERR_YAMUX_OPEN_TIMEOUT',
      `the peer did not acknowledge yamux stream ${stream.id}`,
      {
        details: { streamId: stream.id, timeoutMs: this.#options.timeoutMs },
      },
    );
    pending.reject(err);
    this.#options.onTimeout(err);
  }
}
