import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';

/** A Writable that keeps what it was given. */
export class Collect extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.chunks.push(chunk);
    this.emit('chunk');
    done();
  }
  /** Resolves once the collected text contains `needle` (event-driven, no polling). */
  waitFor(needle: string): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.text.includes(needle)) {
          this.off('chunk', check);
          resolve();
        }
      };
      this.on('chunk', check);
      check();
    });
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString();
  }
  get buffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/**
 * A Readable of `total` pseudo-random bytes made on demand (never held at once), with the
 * SHA-256 of what it produced and a count of bytes pulled so far (it only produces when
 * read: backpressure holds it). `failAt` makes it error once that many bytes were produced.
 */
export function generatedStream(
  total: number,
  options: { chunk?: number; failAt?: number; seed?: number; onProduced?: (produced: number) => void } = {},
) {
  const chunkSize = options.chunk ?? 256 * 1024;
  const hash = createHash('sha256');
  let produced = 0;
  let state = options.seed ?? 1;
  const block = Buffer.alloc(chunkSize);
  const stream = new Readable({
    read() {
      if (options.failAt !== undefined && produced >= options.failAt) {
        this.destroy(new Error('source failed on purpose'));
        return;
      }
      if (produced >= total) {
        this.push(null);
        return;
      }
      const n = Math.min(chunkSize, total - produced);
      for (let i = 0; i < n; i += 4) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        block.writeUInt32LE(state, i % (chunkSize - 3));
      }
      const chunk = Buffer.from(block.subarray(0, n));
      hash.update(chunk);
      produced += n;
      options.onProduced?.(produced);
      this.push(chunk);
    },
  });
  return {
    stream,
    get produced() {
      return produced;
    },
    digest: () => hash.digest('hex'),
  };
}

export async function sha256File(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** Builds a small tree with text, binary and executable files, an empty dir and odd modes. */
export async function makeTree(root: string): Promise<void> {
  await mkdir(path.join(root, 'sub', 'deeper'), { recursive: true });
  await mkdir(path.join(root, 'empty'), { recursive: true });
  await mkdir(path.join(root, 'logs'), { recursive: true });
  await writeFile(path.join(root, 'hello.txt'), 'hello world\n', { mode: 0o644 });
  await writeFile(path.join(root, 'run.sh'), '#!/bin/sh\necho run\n', { mode: 0o755 });
  await writeFile(path.join(root, 'secret.key'), 'sekrit', { mode: 0o600 });
  await writeFile(
    path.join(root, 'sub', 'binary.bin'),
    Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256)),
  );
  await writeFile(path.join(root, 'sub', 'deeper', 'with space.txt'), 'spaces ok');
  await writeFile(path.join(root, 'logs', 'a.log'), 'excluded');
  await writeFile(path.join(root, 'sub', 'b.log'), 'excluded too');
}

/** Relative path → `mode size sha256` (files) or `mode dir` for every entry under root. */
export async function describeTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const p = path.join(dir, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const s = await stat(p);
      const mode = (s.mode & 0o7777).toString(8);
      if (s.isDirectory()) {
        out[r] = `${mode} dir`;
        await walk(p, r);
      } else {
        out[r] = `${mode} ${s.size} ${await sha256File(p)}`;
      }
    }
  };
  await walk(root, '');
  return out;
}
