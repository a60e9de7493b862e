import { abortReason } from '../../engine/clock.js';

/** Throws the signal's cancellation error when it has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortReason(signal);
}

/**
 * Runs `fn` once when `signal` fires (at once if it already has). Returns a function that
 * removes the listener; call it when the guarded operation is over.
 */
export function onAbort(signal: AbortSignal | undefined, fn: () => void): () => void {
  if (!signal) return () => undefined;
  if (signal.aborted) {
    fn();
    return () => undefined;
  }
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}

/**
 * Settles like `promise`, or rejects with the cancellation error as soon as `signal` fires.
 * The promise keeps running: pass `onCancel` to stop the work behind it.
 */
export function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  onCancel?: () => void,
): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const dispose = onAbort(signal, () => {
      onCancel?.();
      reject(abortReason(signal));
    });
    promise.then(
      (value) => {
        dispose();
        resolve(value);
      },
      (err: unknown) => {
        dispose();
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** A signal that fires when any of `signals` fires; `dispose` detaches it from them. */
export function anySignal(signals: readonly (AbortSignal | undefined)[]): {
  signal: AbortSignal;
  abort(reason?: unknown): void;
  dispose(): void;
} {
  const controller = new AbortController();
  const disposers = signals.map((s) => onAbort(s, () => controller.abort(s?.reason)));
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => disposers.forEach((d) => d()),
  };
}
