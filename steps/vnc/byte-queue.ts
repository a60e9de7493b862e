import { SdkError } from '../../errors/index.js';

/**
 * Bytes that arrived from a socket, handed out in exact-length reads. RFB messages have no
 * framing of their own, so the handshake reads field by field; what arrives after the
 * handshake (server messages this client never asked for) is dropped by `discardFromNowOn`.
 */
export class ByteQueue {
  #chunks: Buffer[] = [];
  #length = 0;
  #waiter: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  #ended: Error | undefined;
  #discard = false;

  /** Called with each chunk the socket delivers. */
  push(chunk: Buffer): void {
    if (this.#discard) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    this.#wake();
  }

  /** The socket is gone: pending and later reads fail with `error`. */
  end(error: Error): void {
    this.#ended ??= error;
    const waiter = this.#waiter;
    if (waiter && this.#length < waiter.n) {
      this.#waiter = undefined;
      waiter.reject(this.#ended);
    }
  }

  /** Resolves with exactly `n` bytes. One read at a time. */
  read(n: number): Promise<Buffer> {
    if (this.#waiter) throw new SdkError('PKR_ERR_VNC_PROTOCOL', 'internal: two concurrent reads');
    return new Promise((resolve, reject) => {
      this.#waiter = { n, resolve, reject };
      this.#wake();
    });
  }

  async readU8(): Promise<number> {
    return (await this.read(1))[0]!;
  }

  async readU32(): Promise<number> {
    return (await this.read(4)).readUInt32BE(0);
  }

  /** Stops buffering: what arrives from now on is thrown away. */
  discardFromNowOn(): void {
    this.#discard = true;
    this.#chunks = [];
    this.#length = 0;
  }

  #wake(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    if (this.#length < waiter.n) {
      if (this.#ended) {
        this.#waiter = undefined;
        waiter.reject(this.#ended);
      }
      return;
    }
    this.#waiter = undefined;
    const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    const out = all.subarray(0, waiter.n);
    const rest = all.subarray(waiter.n);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#length = rest.length;
    waiter.resolve(out);
  }
}
