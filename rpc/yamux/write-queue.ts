import type { Duplex } from 'node:stream';

/**
 * Streams waiting to put a Data frame on the connection. A writer runs only while the
 * connection does not ask for 'drain', one at a time in arrival order, so however many
 * streams write, the connection's buffer grows by at most one frame past its high-water
 * mark, and no stream starves the others.
 */
export class WriteQueue {
  readonly #conn: Duplex;
  readonly #waiting: (() => void)[] = [];
  #closed = false;

  constructor(conn: Duplex) {
    this.#conn = conn;
  }

  /** Calls `fn` (which writes at most one frame) as soon as it is this writer's turn. */
  whenWritable(fn: () => void): void {
    if (this.#closed) return;
    if (this.#waiting.length === 0 && !this.#conn.writableNeedDrain) {
      fn();
      return;
    }
    this.#waiting.push(fn);
    // Queued behind others while the connection has room: no 'drain' will come to run it.
    if (!this.#conn.writableNeedDrain && this.#waiting.length === 1) queueMicrotask(this.run);
  }

  /** Runs waiting writers while the connection takes more; call it on 'drain'. */
  readonly run = (): void => {
    while (!this.#closed && this.#waiting.length > 0 && !this.#conn.writableNeedDrain) {
      this.#waiting.shift()!();
    }
  };

  /** Drops every waiting writer (their streams are being failed by the session). */
  close(): void {
    this.#closed = true;
    this.#waiting.length = 0;
  }
}
