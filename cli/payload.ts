import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { BootManifest } from './boot/manifest.js';

/** A bundle directory read into memory, ready to embed. */
export interface EmbeddedBundle {
  readonly manifest: BootManifest;
  /** File contents, in `manifest.files` order. */
  readonly contents: readonly Buffer[];
}

/**
 * Reads a bundle directory (entry plus chunks) for embedding. The bundle's own package.json
 * is left out: the boot code writes one where it unpacks. The hash covers every path and byte,
 * in a fixed order, so the same bundle always unpacks to the same cache directory.
 */
export function readBundleDir(dir: string, name: string, entry: string): EmbeddedBundle {
  const paths = listFiles(dir)
    .filter((p) => p !== 'package.json')
    .sort();
  const contents = paths.map((p) => readFileSync(join(dir, p)));
  const hash = createHash('sha256');
  paths.forEach((p, i) => {
    const data = contents[i]!;
    hash.update(`${p}\0${data.length}\0`).update(data);
  });
  return {
    manifest: {
      name,
      hash: hash.digest('hex'),
      entry,
      files: paths.map((path, i) => ({ path, size: contents[i]!.length })),
    },
    contents,
  };
}

function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return out;
}
