import type { Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { SdkError } from '../../errors/index.js';
import { throwIfAborted } from './abort.js';
import type { ExcludeMatcher } from './exclude.js';

interface NodeBase {
  /** Entry name (the last path segment). */
  name: string;
  /** Path on this machine to read it from. */
  path: string;
  /** Slash-separated path relative to the walked directory ('' for the root). */
  relativePath: string;
  /** Permission bits. */
  mode: number;
  mtime: Date;
}

export interface LocalFileNode extends NodeBase {
  kind: 'file';
  size: number;
}

export interface LocalDirNode extends NodeBase {
  kind: 'dir';
  children: LocalNode[];
}

export type LocalNode = LocalFileNode | LocalDirNode;

export interface ReadTreeOptions {
  exclude?: ExcludeMatcher;
  /**
   * Resolves a symbolic link to the path it stands for (default: `fs.realpath`). The chroot
   * communicator passes its own, which keeps links inside the chroot.
   */
  resolveLink?: (linkPath: string) => Promise<string>;
  signal?: AbortSignal;
}

/**
 * Reads the directory `root` into a tree (metadata only; file contents are streamed later).
 * Symbolic links are followed, as Go's communicators do; a link back to a directory being
 * walked is refused instead of looping. Entries come sorted by name so transfers are
 * deterministic.
 */
export async function readLocalTree(root: string, options: ReadTreeOptions = {}): Promise<LocalDirNode> {
  const rootStats = await statOrThrow(root, root);
  if (!rootStats.isDirectory()) {
    throw new SdkError('PKR_ERR_COMM_LOCAL_PATH', `${root} is not a directory`, { details: { path: root } });
  }
  const resolveLink = options.resolveLink ?? ((p: string) => realpath(p));
  const walk = async (
    dirPath: string,
    relativePath: string,
    stats: Stats,
    ancestors: ReadonlySet<string>,
  ): Promise<LocalDirNode> => {
    throwIfAborted(options.signal);
    const identity = `${stats.dev}:${stats.ino}`;
    const inside = new Set(ancestors).add(identity);
    const entries = await readdir(dirPath, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const children: LocalNode[] = [];
    for (const entry of entries) {
      const childRel = relativePath === '' ? entry.name : `${relativePath}/${entry.name}`;
      let childPath = path.join(dirPath, entry.name);
      if (entry.isSymbolicLink()) {
        childPath = await resolveLink(childPath).catch((err: unknown) => {
          if (err instanceof SdkError) throw err;
          return brokenLink(childPath);
        });
      }
      const childStats = await statOrThrow(childPath, path.join(dirPath, entry.name));
      const isDir = childStats.isDirectory();
      if (options.exclude?.(childRel, isDir)) continue;
      if (isDir) {
        if (inside.has(`${childStats.dev}:${childStats.ino}`)) {
          throw new SdkError(
            'PKR_ERR_COMM_LOCAL_PATH',
            `${path.join(dirPath, entry.name)} links back to a directory being copied (a loop)`,
            { details: { path: path.join(dirPath, entry.name) } },
          );
        }
        children.push(await walk(childPath, childRel, childStats, inside));
      } else if (childStats.isFile()) {
        children.push({
          kind: 'file',
          name: entry.name,
          path: childPath,
          relativePath: childRel,
          mode: childStats.mode & 0o7777,
          mtime: childStats.mtime,
          size: childStats.size,
        });
      }
      // Sockets, FIFOs and devices have no content to copy; they are skipped.
    }
    return {
      kind: 'dir',
      name: path.basename(dirPath),
      path: dirPath,
      relativePath,
      mode: stats.mode & 0o7777,
      mtime: stats.mtime,
      children,
    };
  };
  return walk(root, '', rootStats, new Set());
}

/** Every file and directory of the tree, parents before children. */
export function* flattenTree(node: LocalDirNode): Generator<LocalNode> {
  for (const child of node.children) {
    yield child;
    if (child.kind === 'dir') yield* flattenTree(child);
  }
}

async function statOrThrow(p: string, shown: string): Promise<Stats> {
  try {
    return await stat(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new SdkError(
      'PKR_ERR_COMM_LOCAL_PATH',
      code === 'ENOENT' ? `${shown} does not exist` : `cannot read ${shown}: ${(err as Error).message}`,
      { cause: err, details: { path: shown } },
    );
  }
}

function brokenLink(p: string): never {
  throw new SdkError('PKR_ERR_COMM_LOCAL_PATH', `${p} is a broken symbolic link`, { details: { path: p } });
}
