import type { Client, FileEntry, InputAttributes, SFTPWrapper, Stats } from 'ssh2';
import { abortReason } from '../../engine/clock.js';
import { onAbort } from '../shared/abort.js';

// SFTP status codes (draft-ietf-secsh-filexfer-02 §7).
export const SFTP_NO_SUCH_FILE = 2;
export const SFTP_PERMISSION_DENIED = 3;

/** ssh2's SFTP error: a status code from the server. */
export function sftpCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

// How much written data may be waiting for the server's acknowledgement at once. Enough to
// fill loopback and long-distance links alike (OpenSSH's sftp client keeps 64 x 32 KiB),
// small enough to bound memory whatever the file size.
const MAX_WRITE_BYTES_IN_FLIGHT = 8 * 1024 * 1024;
const MAX_READS_IN_FLIGHT = 16;
// OpenSSH's sftp-server takes writes of up to 261120 bytes (limits@openssh.com).
const WRITE_PIECE = 255 * 1024;
// OpenSSH's sftp-server announces 261120 bytes as its largest read (limits@openssh.com).
const READ_SIZE = 255 * 1024;

/**
 * Promise-shaped SFTP operations over one `sftp` subsystem channel, with pipelined reads and
 * writes. Every wait also ends when `signal` fires, so a cancelled transfer never hangs on
 * an answer.
 */
export class SftpSession {
  readonly #sftp: SFTPWrapper;
  readonly #signal: AbortSignal | undefined;
  readonly #closed: Promise<void>;

  private constructor(sftp: SFTPWrapper, signal: AbortSignal | undefined) {
    this.#sftp = sftp;
    this.#signal = signal;
    this.#closed = new Promise((resolve) => sftp.once('close', () => resolve()));
    sftp.on('error', () => undefined);
  }

  /** Opens the `sftp` subsystem on `client`. */
  static open(client: Client, signal?: AbortSignal): Promise<SftpSession> {
    return new Promise((resolve, reject) => {
      try {
        client.sftp((err, sftp) => (err ? reject(err) : resolve(new SftpSession(sftp, signal))));
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Ends the subsystem channel. */
  async end(): Promise<void> {
    this.#sftp.end();
    await this.#closed;
  }

  stat(p: string): Promise<Stats> {
    return this.#call<Stats>((cb) => this.#sftp.stat(p, cb));
  }

  lstat(p: string): Promise<Stats> {
    return this.#call<Stats>((cb) => this.#sftp.lstat(p, cb));
  }

  realpath(p: string): Promise<string> {
    return this.#call<string>((cb) => this.#sftp.realpath(p, cb));
  }

  readdir(p: string): Promise<FileEntry[]> {
    return this.#call<FileEntry[]>((cb) => this.#sftp.readdir(p, cb));
  }

  mkdir(p: string, mode: number): Promise<void> {
    return this.#call<void>((cb) => this.#sftp.mkdir(p, { mode }, cb));
  }

  setstat(p: string, attrs: InputAttributes): Promise<void> {
    return this.#call<void>((cb) => this.#sftp.setstat(p, attrs, cb));
  }

  /** Removes a file; `evenIfCancelled` lets cleanup after a cancellation still run. */
  unlink(p: string, evenIfCancelled = false): Promise<void> {
    return this.#call<void>((cb) => this.#sftp.unlink(p, cb), evenIfCancelled);
  }

  open(p: string, flags: 'r' | 'w', attrs?: InputAttributes): Promise<Buffer> {
    return this.#call<Buffer>((cb) => this.#sftp.open(p, flags, attrs ?? {}, cb));
  }

  /** Closes a handle; `evenIfCancelled` lets cleanup after a cancellation still run. */
  close(handle: Buffer, evenIfCancelled = false): Promise<void> {
    return this.#call<void>((cb) => this.#sftp.close(handle, cb), evenIfCancelled);
  }

  fsetstat(handle: Buffer, attrs: InputAttributes): Promise<void> {
    return this.#call<void>((cb) => this.#sftp.fsetstat(handle, attrs, cb));
  }

  /**
   * Writes `source` to the open `handle` from offset 0, keeping several write requests in
   * flight and reading the source only as fast as the server acknowledges. Resolves with the
   * byte count.
   */
  async writeAll(handle: Buffer, source: AsyncIterable<Buffer | string>): Promise<number> {
    let position = 0;
    let inFlight = 0;
    const state: { failure?: Error } = {};
    let wake: (() => void) | undefined;
    const settle = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const waitUntil = async (ready: () => boolean): Promise<void> => {
      while (!ready() && state.failure === undefined) {
        await this.#race(new Promise<void>((resolve) => (wake = resolve)));
      }
    };
    for await (const chunk of source) {
      if (this.#signal?.aborted) throw abortReason(this.#signal);
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      // One request per piece: a piece over the server's limit would make ssh2 send the rest
      // only after the first part's answer.
      for (let offset = 0; offset < data.length; offset += WRITE_PIECE) {
        const buf = data.subarray(offset, offset + WRITE_PIECE);
        await waitUntil(() => inFlight + buf.length <= MAX_WRITE_BYTES_IN_FLIGHT || inFlight === 0);
        if (state.failure !== undefined) break;
        inFlight += buf.length;
        // ssh2 copies the data into its packet at once, so `buf` may be reused by the source.
        this.#sftp.write(handle, buf, 0, buf.length, position, (err) => {
          inFlight -= buf.length;
          if (err && state.failure === undefined) state.failure = err;
          settle();
        });
        position += buf.length;
      }
      if (state.failure !== undefined) break;
    }
    await waitUntil(() => inFlight === 0);
    if (state.failure !== undefined) throw state.failure;
    return position;
  }

  /**
   * Reads the open file from offset 0 to its end with several requests in flight, yielding
   * chunks in order; the next requests go out only as the consumer takes chunks.
   */
  async *readAll(handle: Buffer): AsyncGenerator<Buffer> {
    interface Slot {
      position: number;
      length: number;
      result: Promise<Buffer>;
    }
    const request = (position: number, length: number): Slot => ({
      position,
      length,
      result: new Promise<Buffer>((resolve, reject) => {
        const buf = Buffer.allocUnsafe(length);
        this.#sftp.read(handle, buf, 0, length, position, (err, bytesRead) =>
          err ? reject(err) : resolve(buf.subarray(0, bytesRead)),
        );
      }),
    });
    const slots: Slot[] = [];
    let next = 0;
    let eof = false;
    const refill = (): void => {
      while (!eof && slots.length < MAX_READS_IN_FLIGHT) {
        slots.push(request(next, READ_SIZE));
        next += READ_SIZE;
      }
    };
    refill();
    try {
      while (slots.length > 0) {
        const slot = slots.shift()!;
        const data = await this.#race(slot.result);
        if (data.length === 0) {
          // End of file: every later request is past it too.
          eof = true;
          for (const s of slots.splice(0)) s.result.catch(() => undefined);
          break;
        }
        if (data.length < slot.length) {
          // A short read: ask for the rest of this slot before anything after it.
          slots.unshift(request(slot.position + data.length, slot.length - data.length));
        }
        yield data;
        refill();
      }
    } finally {
      for (const s of slots) s.result.catch(() => undefined);
    }
  }

  #call<T>(
    invoke: (cb: (err: Error | null | undefined, value: T) => void) => void,
    evenIfCancelled = false,
  ): Promise<T> {
    return this.#race(
      new Promise<T>((resolve, reject) => {
        try {
          invoke((err, value) => (err ? reject(err) : resolve(value)));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      }),
      evenIfCancelled,
    );
  }

  /** Settles like `p`, or rejects once the channel closes or (unless ignored) the signal fires. */
  #race<T>(p: Promise<T>, ignoreSignal = false): Promise<T> {
    const signal = ignoreSignal ? undefined : this.#signal;
    return new Promise<T>((resolve, reject) => {
      const dispose = onAbort(signal, () => reject(abortReason(signal)));
      void this.#closed.then(() => reject(new Error('the SFTP channel closed')));
      p.then(
        (v) => {
          dispose();
          resolve(v);
        },
        (err: unknown) => {
          dispose();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }
}
