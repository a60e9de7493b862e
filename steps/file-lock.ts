import { randomBytes } from 'node:crypto';
import { watch } from 'node:fs';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { abortReason, systemClock, type Clock } from '../engine/clock.js';
import { SdkError } from '../errors/index.js';

/**
 * A cross-process lock held as a file created with O_EXCL, holding its owner's pid, host and
 * a random token. Parallel builds use it so that one process downloads a cache entry while
 * the others wait and then find it there (Packer locks `<target>.lock` the same way).
 *
 * A lock whose owner process is gone (same host, pid no longer running) is stale and is
 * broken; breaking happens under a second short-lived O_EXCL file so that two waiters never
 * both remove a lock, and the token check makes sure only the stale lock itself is removed.
 * A lock from another host (a shared cache on a network file system) is never broken.
 */

export interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

export interface FileLockOptions {
  readonly signal?: AbortSignal;
  /** Waits between checks (a change to the lock's directory wakes the waiter earlier). */
  readonly clock?: Clock;
  /** How often a waiter looks again when nothing woke it; default 1000 ms. */
  readonly pollMs?: number;
  /** Called once, when the lock is found held by someone else and waiting begins. */
  readonly onWait?: (owner: LockOwner | undefined) => void | Promise<void>;
}

/** Gives the lock back; safe to call twice. */
export type ReleaseLock = () => Promise<void>;

/** A lock file with no readable owner older than this was left by a process that died creating it. */
const UNWRITTEN_GRACE_MS = 10_000;

/**
 * Takes the lock at `lockPath`, waiting while another live process holds it.
 * @throws the signal's reason when cancelled; SdkError `PKR_ERR_CACHE_LOCK` when the lock file
 * cannot be created (missing or read-only directory).
 */
export async function acquireFileLock(lockPath: string, options: FileLockOptions = {}): Promise<ReleaseLock> {
  const clock = options.clock ?? systemClock;
  const me: LockOwner = { pid: process.pid, host: os.hostname(), token: randomBytes(12).toString('hex') };
  let told = false;
  for (;;) {
    if (options.signal?.aborted) throw abortReason(options.signal);
    if (await createExclusive(lockPath, me)) {
      return async () => {
        const owner = await readOwner(lockPath);
        if (owner?.token === me.token) await unlink(lockPath).catch(() => undefined);
      };
    }
    const owner = await readOwner(lockPath);
    if (await isStale(lockPath, owner)) {
      await breakStale(lockPath, owner);
      continue;
    }
    if (!told) {
      told = true;
      await options.onWait?.(owner);
    }
    await waitForChange(lockPath, clock, options.pollMs ?? 1000, options.signal);
  }
}

/** Reads the owner recorded in a lock file; undefined when it is gone or not (yet) written. */
export async function readOwner(lockPath: string): Promise<LockOwner | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(lockPath, 'utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, host, token } = value as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof host !== 'string' || typeof token !== 'string') return undefined;
    return { pid, host, token };
  } catch {
    return undefined;
  }
}

/** True when `pid` names a running process on this host (EPERM: it runs, as someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function createExclusive(lockPath: string, owner: LockOwner): Promise<boolean> {
  let handle;
  try {
    handle = await open(lockPath, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new SdkError(
      'PKR_ERR_CACHE_LOCK',
      `cannot create lock file ${lockPath}: ${(err as Error).message}`,
      {
        cause: err,
        details: { path: lockPath },
      },
    );
  }
  try {
    await handle.writeFile(JSON.stringify(owner));
  } finally {
    await handle.close();
  }
  return true;
}

async function isStale(lockPath: string, owner: LockOwner | undefined): Promise<boolean> {
  if (owner) return owner.host === os.hostname() && !processAlive(owner.pid);
  // Unreadable: being written right now, or its writer died in between. Only age tells.
  const info = await stat(lockPath).catch(() => undefined);
  if (!info) return false; // gone already: the next attempt creates it
  return Date.now() - info.mtimeMs > UNWRITTEN_GRACE_MS;
}

async function breakStale(lockPath: string, stale: LockOwner | undefined): Promise<void> {
  const breaker = `${lockPath}.break`;
  const me: LockOwner = { pid: process.pid, host: os.hostname(), token: randomBytes(12).toString('hex') };
  if (!(await createExclusive(breaker, me))) {
    // Someone else is breaking it; their breaker lives microseconds unless they died holding it.
    const other = await readOwner(breaker);
    if (await isStale(breaker, other)) await unlink(breaker).catch(() => undefined);
    return;
  }
  try {
    const now = await readOwner(lockPath);
    const same = stale === undefined ? now === undefined : now?.token === stale.token;
    if (same) await unlink(lockPath).catch(() => undefined);
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

/** Resolves when something changes in the lock's directory, or after `pollMs`. */
async function waitForChange(
  lockPath: string,
  clock: Clock,
  pollMs: number,
  signal?: AbortSignal,
): Promise<void> {
  if (signal?.aborted) throw abortReason(signal);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const name = path.basename(lockPath);
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      try {
        watcher = watch(path.dirname(lockPath), { persistent: false }, (_event, file) => {
          if (file === null || file === name) resolve();
        });
        watcher.on('error', () => resolve());
      } catch {
        // No watching here (some network file systems): polling alone will do.
      }
      clock.sleep(pollMs, stop.signal).then(resolve, (err: unknown) => {
        if (signal?.aborted) reject(abortReason(signal));
        else if (!stop.signal.aborted) reject(err instanceof Error ? err : new Error(String(err)));
      });
    });
  } finally {
    watcher?.close();
    signal?.removeEventListener('abort', onAbort);
    stop.abort();
  }
}
