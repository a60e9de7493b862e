import type { Readable, Writable } from 'node:stream';
import { abortReason } from '../../engine/clock.js';

/**
 * Copies `source` into `dst` without ending `dst` (the caller owns it, as with Go's
 * io.Copy), waiting for 'drain' whenever `dst` asks for it. Resolves with the byte count.
 */
export async function copyToWritable(
  source: AsyncIterable<Buffer | string>,
  dst: Writable,
  signal?: AbortSignal,
): Promise<number> {
  let total = 0;
  const state: { failure?: Error } = {};
  let wake: (() => void) | undefined;
  const onError = (err: Error): void => {
    state.failure = err;
    wake?.();
  };
  const onDrain = (): void => wake?.();
  const onAbortSignal = (): void => wake?.();
  dst.on('error', onError);
  dst.on('drain', onDrain);
  signal?.addEventListener('abort', onAbortSignal);
  const check = (): void => {
    if (signal?.aborted) throw abortReason(signal);
    if (state.failure !== undefined) throw state.failure;
  };
  try {
    for await (const chunk of source) {
      check();
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += buf.length;
      if (!dst.write(buf)) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (!dst.writableNeedDrain || state.failure !== undefined || signal?.aborted) resolve();
        });
        wake = undefined;
        check();
      }
    }
    return total;
  } finally {
    dst.off('error', onError);
    dst.off('drain', onDrain);
    signal?.removeEventListener('abort', onAbortSignal);
  }
}

/** Pipes `source` into `dst` (not ending it) and resolves once `source` ended or closed. */
export function forward(source: Readable, dst: Writable | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    if (dst) source.pipe(dst, { end: false });
    else source.resume();
    source.once('end', () => resolve());
    source.once('close', () => resolve());
  });
}
