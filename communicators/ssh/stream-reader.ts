import type { Readable } from 'node:stream';

/**
 * Pulls bytes, lines and exact-length runs out of a Readable, keeping what it over-read for
 * the next call. Reads go through the stream's async iterator, so a slow consumer holds the
 * producer back (backpressure all the way to the SSH window).
 */
export class StreamReader {
  readonly #iterator: AsyncIterator<Buffer>;
  #pending: Buffer = Buffer.alloc(0);
  #done = false;

  constructor(stream: Readable) {
    this.#iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** Next byte, or null at end of stream. */
  async readByte(): Promise<number | null> {
    if (!(await this.#fill())) return null;
    const byte = this.#pending[0]!;
    this.#pending = this.#pending.subarray(1);
    return byte;
  }

  /** Next line without its `\n`; null at end of stream before any byte. */
  async readLine(max = 64 * 1024): Promise<string | null> {
    const parts: Buffer[] = [];
    let length = 0;
    for (;;) {
      if (!(await this.#fill())) {
        if (length === 0) return null;
        throw new Error('stream ended in the middle of a line');
      }
      const at = this.#pending.indexOf(0x0a);
      if (at >= 0) {
        parts.push(this.#pending.subarray(0, at));
        this.#pending = this.#pending.subarray(at + 1);
        return Buffer.concat(parts).toString('utf8');
      }
      parts.push(this.#pending);
      length += this.#pending.length;
      this.#pending = Buffer.alloc(0);
      if (length > max) throw new Error(`line longer than ${max} bytes`);
    }
  }

  /**
   * Yields exactly `n` bytes as chunks, reading more only when the consumer asks.
   * @throws Error when the stream ends first.
   */
  async *take(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (!(await this.#fill())) throw new Error(`stream ended ${left} bytes short`);
      const size = Math.min(left, this.#pending.length);
      const chunk = this.#pending.subarray(0, size);
      this.#pending = this.#pending.subarray(size);
      left -= size;
      yield chunk;
    }
  }

  /**
   * Reads and discards everything left. ssh2 emits a channel's 'close' only after its
   * stdout ended, so a finished exchange must drain it.
   */
  async drain(): Promise<void> {
    this.#pending = Buffer.alloc(0);
    try {
      while (!this.#done) {
        const next = await this.#iterator.next();
        if (next.done) this.#done = true;
      }
    } catch {
      this.#done = true;
    }
  }

  async #fill(): Promise<boolean> {
    while (this.#pending.length === 0) {
      if (this.#done) return false;
      const next = await this.#iterator.next();
      if (next.done) {
        this.#done = true;
        return false;
      }
      this.#pending = next.value;
    }
    return true;
  }
}
