import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A source copied to a private temp file (SCP must announce a size before the data). */
export interface Spooled {
  path: string;
  size: number;
  /** Removes the temp file and its directory. */
  dispose(): Promise<void>;
}

/**
 * Streams `source` to a 0600 file in a fresh private temp dir, to learn its size without
 * holding it in memory (what the Go SDK does for SCP uploads of unknown size).
 */
export async function spoolToTempFile(
  source: Readable | AsyncIterable<Buffer>,
  signal?: AbortSignal,
): Promise<Spooled> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-upload-'));
  const dispose = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const file = path.join(dir, 'data');
  const out = createWriteStream(file, { mode: 0o600 });
  try {
    await pipeline(source, out, signal ? { signal } : {});
    return { path: file, size: out.bytesWritten, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
