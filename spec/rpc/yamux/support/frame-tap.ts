import type net from 'node:net';
import { FrameDecoder } from '../../../../rpc/yamux/frame-decoder.js';
import { Flag, FrameType, type Frame } from '../../../../rpc/yamux/frame.js';
import { socketPair } from './socket-pair.js';

export type TapDirection = 'a->b' | 'b->a';

export interface TappedFrame {
  readonly dir: TapDirection;
  readonly frame: Frame;
}

/**
 * A relay between two real socket connections that decodes every frame passing through.
 * For each stream and direction it tracks the sender's bytes in flight: Data bytes sent minus
 * every WindowUpdate delta the receiver granted. Grants pass the tap before the sender sees
 * them, so the tap's figure is never below the sender's own: a sender that stays within its
 * window (256 KiB plus the grants) never shows more than 256 KiB here.
 */
export class FrameTap {
  readonly frames: TappedFrame[] = [];
  /** Largest in-flight figure seen, per `${dir}:${streamId}`. */
  readonly maxInFlight = new Map<string, number>();
  readonly #sent = new Map<string, number>();
  readonly #granted = new Map<string, number>();
  readonly #watchers: { test: (f: TappedFrame) => boolean; resolve: (f: TappedFrame) => void }[] = [];
  /** Decoding failures (a broken sender); the specs expect none. */
  readonly errors: Error[] = [];

  private constructor(
    readonly a: net.Socket,
    readonly b: net.Socket,
    readonly relayA: net.Socket,
    readonly relayB: net.Socket,
  ) {
    this.#relay(relayA, relayB, 'a->b');
    this.#relay(relayB, relayA, 'b->a');
  }

  /** `a` and `b` are the two endpoints to hand to sessions; the tap sits between them. */
  static async create(): Promise<FrameTap> {
    const left = await socketPair();
    const right = await socketPair();
    return new FrameTap(left.a, right.b, left.b, right.a);
  }

  /** Resolves with the first frame (already seen or future) that matches. */
  waitFor(test: (f: TappedFrame) => boolean): Promise<TappedFrame> {
    const seen = this.frames.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#watchers.push({ test, resolve }));
  }

  /** Data bytes `dir` sent on the stream that the receiver has not granted back yet. */
  inFlight(dir: TapDirection, streamId: number): number {
    const key = `${dir}:${streamId}`;
    return (this.#sent.get(key) ?? 0) - (this.#granted.get(key) ?? 0);
  }

  #relay(from: net.Socket, to: net.Socket, dir: TapDirection): void {
    const decoder = new FrameDecoder({ maxDataLength: 0xffffffff });
    const other: TapDirection = dir === 'a->b' ? 'b->a' : 'a->b';
    from.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk, (frame) => this.#observe(dir, other, frame));
      } catch (err) {
        this.errors.push(err as Error);
      }
    });
    from.pipe(to);
    from.on('error', () => to.destroy());
    from.on('close', () => to.destroy());
  }

  #observe(dir: TapDirection, other: TapDirection, frame: Frame): void {
    if (frame.type === FrameType.Data && frame.payload.length > 0) {
      const key = `${dir}:${frame.streamId}`;
      this.#sent.set(key, (this.#sent.get(key) ?? 0) + frame.payload.length);
      this.maxInFlight.set(key, Math.max(this.maxInFlight.get(key) ?? 0, this.inFlight(dir, frame.streamId)));
    }
    if (frame.type === FrameType.WindowUpdate && (frame.flags & Flag.RST) === 0) {
      // A grant from this side widens the other side's window on the same stream.
      const key = `${other}:${frame.streamId}`;
      this.#granted.set(key, (this.#granted.get(key) ?? 0) + frame.length);
    }
    // Large payloads are not kept: bulk specs move far more than should stay in memory.
    const kept = frame.payload.length > 1024 ? { ...frame, payload: Buffer.alloc(0) } : frame;
    const tapped = { dir, frame: kept };
    this.frames.push(tapped);
    for (let i = this.#watchers.length - 1; i >= 0; i--) {
      const watcher = this.#watchers[i]!;
      if (watcher.test(tapped)) {
        this.#watchers.splice(i, 1);
        watcher.resolve(tapped);
      }
    }
  }
}
