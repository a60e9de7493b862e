import type { Duplex } from 'node:stream';
import { SdkError } from '../../errors/index.js';
import type { YamuxSession } from '../yamux/session.js';
import { readExactly } from './read-exactly.js';

export interface MuxBrokerOptions {
  /** How long `accept(id)` waits for the peer to dial, and how long an undelivered stream is parked (Go: 5 s). */
  timeoutMs?: number;
  onLog?: (level: 'debug' | 'warn', message: string, details?: Record<string, unknown>) => void;
}

interface Waiter {
  resolve(stream: Duplex): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

interface Parked {
  stream: Duplex;
  timer: NodeJS.Timeout;
}

/**
 * Packer's "mux broker": lets either side say "connect to my service number N" over one
 * yamux session. Every stream starts, in the opener's direction, with N as 4 little-endian
 * bytes; the acceptor echoes them back when it takes the stream (protocol §2.2).
 *
 * Ids are allocated by the side that accepts them and only name streams the *other* side
 * opens, so this side's counter and the peer's never collide. Id 0 is the component service.
 */
export class MuxBroker {
  readonly #session: YamuxSession;
  readonly #timeoutMs: number;
  readonly #onLog: NonNullable<MuxBrokerOptions['onLog']>;
  readonly #waiting = new Map<number, Waiter>();
  readonly #parked = new Map<number, Parked>();
  #nextId = 0;
  #closed = false;

  constructor(session: YamuxSession, options: MuxBrokerOptions = {}) {
    this.#session = session;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#onLog = options.onLog ?? (() => undefined);
    session.on('stream', (stream: Duplex) => void this.#route(stream));
    session.on('close', () => this.close());
  }

  /** A fresh id for a service this side will accept (Go's NextId: the first is 1). */
  nextId(): number {
    this.#nextId = (this.#nextId + 1) >>> 0;
    return this.#nextId;
  }

  /**
   * Waits for the peer to dial `id`, acknowledges it and returns the stream. Register the
   * wait *before* telling the peer the id: Go dials as soon as it reads it.
   */
  accept(id: number): Promise<Duplex> {
    if (this.#closed) return Promise.reject(closedError(id));
    const parked = this.#parked.get(id);
    if (parked) {
      this.#parked.delete(id);
      clearTimeout(parked.timer);
      return this.#acknowledge(id, parked.stream);
    }
    if (this.#waiting.has(id)) {
      return Promise.reject(
        new SdkError('PKR_ERR_BROKER_DUPLICATE', `broker id ${id} is already being accepted`, {
          details: { id },
        }),
      );
    }
    return new Promise<Duplex>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(
          new SdkError(
            'PKR_ERR_BROKER_TIMEOUT',
            `timeout waiting for the peer to connect to broker id ${id}`,
            {
              details: { id, timeoutMs: this.#timeoutMs },
            },
          ),
        );
      }, this.#timeoutMs);
      timer.unref();
      this.#waiting.set(id, {
        timer,
        resolve: (stream) => void this.#acknowledge(id, stream).then(resolve, reject),
        reject,
      });
    });
  }

  /** Opens a stream to the peer's service `id` and waits for its acknowledgement. */
  async dial(id: number, signal?: AbortSignal): Promise<Duplex> {
    if (this.#closed) throw closedError(id);
    const stream = await this.#session.open();
    const header = Buffer.alloc(4);
    header.writeUInt32LE(id >>> 0, 0);
    stream.write(header);
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let ack: Buffer;
    try {
      ack = await readExactly(stream, 4, both);
    } catch (cause) {
      stream.destroy();
      throw new SdkError('PKR_ERR_BROKER_DIAL', `dialing broker id ${id} failed: no acknowledgement`, {
        cause,
        details: { id },
      });
    }
    if (ack.readUInt32LE(0) !== id >>> 0) {
      stream.destroy();
      throw new SdkError(
        'PKR_ERR_BROKER_DIAL',
        `dialing broker id ${id} failed: bad ack ${ack.readUInt32LE(0)}`,
        {
          details: { id, ack: ack.readUInt32LE(0) },
        },
      );
    }
    return stream;
  }

  /** Fails every pending accept and drops parked streams. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [id, waiter] of this.#waiting) {
      clearTimeout(waiter.timer);
      waiter.reject(closedError(id));
    }
    this.#waiting.clear();
    for (const { stream, timer } of this.#parked.values()) {
      clearTimeout(timer);
      stream.destroy();
    }
    this.#parked.clear();
  }

  async #route(stream: Duplex): Promise<void> {
    let id: number;
    try {
      id = (await readExactly(stream, 4, AbortSignal.timeout(this.#timeoutMs))).readUInt32LE(0);
    } catch (cause) {
      this.#onLog('warn', 'broker: a stream closed before naming its id', { cause: String(cause) });
      stream.destroy();
      return;
    }
    const waiter = this.#waiting.get(id);
    if (waiter) {
      this.#waiting.delete(id);
      clearTimeout(waiter.timer);
      waiter.resolve(stream);
      return;
    }
    if (this.#parked.has(id)) {
      this.#onLog('warn', 'broker: a second stream for the same id; closing it', { id });
      stream.destroy();
      return;
    }
    // Go closes a stream nobody accepts within the timeout.
    const timer = setTimeout(() => {
      this.#parked.delete(id);
      this.#onLog('warn', 'broker: nobody accepted a stream in time; closing it', { id });
      stream.destroy();
    }, this.#timeoutMs);
    timer.unref();
    this.#parked.set(id, { stream, timer });
  }

  async #acknowledge(id: number, stream: Duplex): Promise<Duplex> {
    const ack = Buffer.alloc(4);
    ack.writeUInt32LE(id >>> 0, 0);
    await new Promise<void>((resolve, reject) => stream.write(ack, (err) => (err ? reject(err) : resolve())));
    return stream;
  }
}

function closedError(id: number): SdkError {
  return new SdkError('PKR_ERR_BROKER_CLOSED', `the connection to Packer closed (broker id ${id})`, {
    details: { id },
  });
}
