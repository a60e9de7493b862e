import { existsSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { abortReason } from '../engine/clock.js';

/**
 * Resolves once `path` exists (a control socket being published), watching its directory
 * rather than polling; rejects when `signal` aborts first. The directory must exist.
 */
export function waitForPath(path: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const name = basename(path);
    const watcher = watch(dirname(path), (_event, changed) => {
      if ((changed === null || changed === name) && existsSync(path)) finish();
    });
    const onAbort = (): void => {
      watcher.close();
      reject(abortReason(signal));
    };
    const finish = (): void => {
      watcher.close();
      signal?.removeEventListener('abort', onAbort);
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    watcher.on('error', (err) => {
      watcher.close();
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    // It may have appeared before the watch started.
    if (existsSync(path)) finish();
  });
}
