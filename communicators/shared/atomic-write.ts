import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, rename, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface AtomicWriteOptions {
  /** Permission bits of the finished file (exact: not reduced by the umask). Default 0644. */
  mode?: number;
  /** Modification time to set on the finished file. */
  mtime?: Date;
  signal?: AbortSignal;
}

/** The hidden sibling a file is written to before it is renamed into place. */
export function partialPathFor(target: string): string {
  return path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.partial`,
  );
}

/**
 * Streams `source` into `target` through a hidden temp file in the same directory and renames
 * it into place only once everything arrived, so a failed or cancelled copy never leaves a
 * half-written `target` (and an existing one stays intact). Backpressure is honoured.
 * Resolves with the number of bytes written.
 */
export async function writeFileAtomic(
  target: string,
  source: Readable | AsyncIterable<Buffer>,
  options: AtomicWriteOptions = {},
): Promise<number> {
  const partial = partialPathFor(target);
  const out = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
  try {
    await pipeline(source, out, options.signal ? { signal: options.signal } : {});
    await chmod(partial, (options.mode ?? 0o644) & 0o7777);
    if (options.mtime) await utimes(partial, options.mtime, options.mtime);
    await rename(partial, target);
    return out.bytesWritten;
  } catch (err) {
    out.destroy();
    await unlink(partial).catch(() => undefined);
    throw err;
  }
}
