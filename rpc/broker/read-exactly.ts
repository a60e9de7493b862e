import type { Duplex } from 'node:stream';

/**
 * Reads exactly `n` bytes from a stream in paused mode and leaves everything after them in
 * the stream's buffer for whoever reads next (the RPC codec or a raw copy). Rejects if the
 * stream ends or errors first, or when `signal` aborts.
 */
export function readExactly(stream: Duplex, n: number, signal?: AbortSignal): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('readable', tryRead);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const tryRead = (): void => {
      const chunk = stream.read(n) as Buffer | null;
      if (chunk !== null) {
        cleanup();
        resolve(chunk);
      }
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error(`stream ended before ${n} bytes arrived`));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const onAbort = (): void => {
      cleanup();
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    stream.on('readable', tryRead);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
    stream.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    tryRead();
  });
}
