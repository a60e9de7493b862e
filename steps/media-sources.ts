import type { Stats } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { SdkError } from '../errors/index.js';
import { glob, hasGlobMeta } from './glob.js';

/**
 * Collecting what goes onto a floppy or CD image, with Packer's rules:
 * - "flat" entries (`floppy_files`): a file lands in the root; a directory contributes every
 *   file below it, all in the root ("copied flatly").
 * - "tree" entries (`floppy_dirs`, `cd_files`): a file lands in the root; a directory lands
 *   as itself, with its whole tree (`dir/*` puts its contents in the root instead).
 * - content (`floppy_content`, `cd_content`): path → text, subdirectories created, and it
 *   wins over a file at the same path.
 * Globs are Go's; a pattern matching nothing adds nothing (as in Packer). Symbolic links are
 * followed (their targets are copied), with directory loops refused.
 */

/** A file in a media tree: bytes from disk (read when written) or given content. */
export interface MediaFile {
  readonly name: string;
  readonly source: { readonly path: string } | { readonly data: Buffer };
  readonly size: number;
  readonly mtime?: Date;
}

export interface MediaDir {
  readonly name: string;
  readonly mtime?: Date;
  readonly dirs: MediaDir[];
  readonly files: MediaFile[];
}

export interface MediaSources {
  readonly flat?: readonly string[];
  readonly tree?: readonly string[];
  readonly content?: Readonly<Record<string, string>>;
}

export interface CollectOptions {
  /** FAT compares names without case: "A.txt" and "a.txt" then clash. */
  readonly caseInsensitive?: boolean;
  /** Base for relative paths (default: the process's working directory). */
  readonly cwd?: string;
  /** Told about each file as it is added, and about globs that matched nothing. */
  readonly onNote?: (line: string) => void;
  /** Config field names for the notes (default `floppy_files` / `floppy_dirs`). */
  readonly fieldNames?: { readonly flat?: string; readonly tree?: string };
}

export interface CollectedMedia {
  readonly root: MediaDir;
  /** Destination paths (`a/b.txt`) of every file, in the order they were added. */
  readonly added: readonly string[];
  /** Sum of the file sizes. */
  readonly totalBytes: number;
}

interface Node {
  name: string;
  mtime?: Date;
  dirs: Map<string, Node>;
  files: Map<string, MediaFile & { origin: string; fromContent: boolean }>;
}

/** Resolves the sources into one directory tree, refusing clashes. */
export async function collectMedia(
  sources: MediaSources,
  options: CollectOptions = {},
): Promise<CollectedMedia> {
  const cwd = options.cwd ?? process.cwd();
  const fold = options.caseInsensitive ? (s: string) => s.toUpperCase() : (s: string) => s;
  const root: Node = { name: '', dirs: new Map(), files: new Map() };
  const added: string[] = [];

  const dirAt = (segments: readonly string[], origin: string, mtime?: Date): Node => {
    let node = root;
    for (const [i, seg] of segments.entries()) {
      const key = fold(seg);
      const clash = node.files.get(key);
      if (clash) {
        throw nameClash(segments.slice(0, i + 1).join('/'), origin, clash.origin);
      }
      let next = node.dirs.get(key);
      if (!next) {
        next = { name: seg, dirs: new Map(), files: new Map() };
        node.dirs.set(key, next);
      }
      node = next;
    }
    if (mtime && !node.mtime) node.mtime = mtime;
    return node;
  };

  const addFile = (
    segments: readonly string[],
    file: MediaFile,
    origin: string,
    fromContent: boolean,
  ): void => {
    const parent = dirAt(segments.slice(0, -1), origin);
    const key = fold(file.name);
    const dest = segments.join('/');
    if (parent.dirs.has(key)) throw nameClash(dest, origin, 'a directory of the same name');
    const existing = parent.files.get(key);
    if (existing) {
      // floppy_content/cd_content take precedence over files at the same path (Packer).
      if (fromContent && !existing.fromContent) {
        parent.files.set(key, { ...file, origin, fromContent });
        return;
      }
      throw nameClash(dest, origin, existing.origin);
    }
    parent.files.set(key, { ...file, origin, fromContent });
    added.push(dest);
    options.onNote?.(`Adding file: ${origin === dest ? dest : `${origin} => ${dest}`}`);
  };

  const fileFrom = async (source: string, name: string): Promise<MediaFile> => {
    const info = await statSource(source);
    return { name, source: { path: source }, size: info.size, mtime: info.mtime };
  };

  // Walks `dir`, calling back for each file with its path relative to `dir`.
  const walk = async (
    dir: string,
    rel: readonly string[],
    ancestors: ReadonlySet<string>,
    visit: (relPath: readonly string[], abs: string, isDir: boolean, mtime: Date) => Promise<void>,
  ): Promise<void> => {
    const real = await realpath(dir);
    if (ancestors.has(real)) {
      throw new SdkError(
        'PKR_ERR_MEDIA_SOURCE',
        `${dir}: a symbolic link loops back to a directory above it`,
      );
    }
    const seen = new Set(ancestors).add(real);
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (err) {
      throw sourceError(dir, err);
    }
    for (const name of names) {
      const abs = path.join(dir, name);
      const info = await statSource(abs);
      if (info.isDirectory()) {
        await visit([...rel, name], abs, true, info.mtime);
        await walk(abs, [...rel, name], seen, visit);
      } else {
        await visit([...rel, name], abs, false, info.mtime);
      }
    }
  };

  for (const source of await expand(
    options,
    cwd,
    sources.flat ?? [],
    options.fieldNames?.flat ?? 'floppy_files',
  )) {
    const abs = path.resolve(cwd, source);
    const info = await statSource(abs);
    if (info.isDirectory()) {
      await walk(abs, [], new Set(), async (rel, file, isDir) => {
        if (!isDir) addFile([rel.at(-1)!], await fileFrom(file, rel.at(-1)!), file, false);
      });
    } else {
      addFile([path.basename(abs)], await fileFrom(abs, path.basename(abs)), source, false);
    }
  }

  for (const source of await expand(
    options,
    cwd,
    sources.tree ?? [],
    options.fieldNames?.tree ?? 'floppy_dirs',
  )) {
    const abs = path.resolve(cwd, source);
    const info = await statSource(abs);
    const top = path.basename(abs);
    if (info.isDirectory()) {
      dirAt([top], source, info.mtime);
      await walk(abs, [top], new Set(), async (rel, file, isDir, mtime) => {
        if (isDir) dirAt(rel, file, mtime);
        else addFile(rel, await fileFrom(file, rel.at(-1)!), file, false);
      });
    } else {
      addFile([top], await fileFrom(abs, top), source, false);
    }
  }

  for (const [key, text] of Object.entries(sources.content ?? {})) {
    const segments = contentPath(key);
    const data = Buffer.from(text, 'utf8');
    addFile(segments, { name: segments.at(-1)!, source: { data }, size: data.length }, key, true);
  }

  const freeze = (node: Node): MediaDir => ({
    name: node.name,
    ...(node.mtime ? { mtime: node.mtime } : {}),
    dirs: [...node.dirs.values()].map(freeze),
    files: [...node.files.values()].map(({ origin: _o, fromContent: _c, ...file }) => file),
  });
  const tree = freeze(root);
  return { root: tree, added, totalBytes: sumSizes(tree) };
}

/** Reads a media file's bytes. */
export async function readMediaFile(file: MediaFile): Promise<Buffer> {
  if ('data' in file.source) return file.source.data;
  try {
    return await readFile(file.source.path);
  } catch (err) {
    throw sourceError(file.source.path, err);
  }
}

function sumSizes(dir: MediaDir): number {
  return dir.files.reduce((n, f) => n + f.size, 0) + dir.dirs.reduce((n, d) => n + sumSizes(d), 0);
}

async function expand(
  options: CollectOptions,
  cwd: string,
  patterns: readonly string[],
  field: string,
): Promise<string[]> {
  const out: string[] = [];
  for (const pattern of patterns) {
    if (!hasGlobMeta(pattern)) {
      out.push(pattern);
      continue;
    }
    const matches = await glob(pattern, cwd);
    if (matches.length === 0) options.onNote?.(`${field}: ${pattern} matched nothing`);
    out.push(...matches);
  }
  return out;
}

/** Splits a content key (`/a/b.txt`, `a/b.txt`) into path elements, refusing `..` and empties. */
export function contentPath(key: string): string[] {
  const segments = key.replace(/^\/+/, '').split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw new SdkError(
      'PKR_ERR_MEDIA_NAME',
      `content path ${JSON.stringify(key)} must name a file: no empty, "." or ".." elements`,
      { details: { path: key } },
    );
  }
  return segments;
}

async function statSource(p: string): Promise<Stats> {
  try {
    return await stat(p);
  } catch (err) {
    throw sourceError(p, err);
  }
}

function sourceError(p: string, err: unknown): SdkError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : 'cannot be read';
  return new SdkError('PKR_ERR_MEDIA_SOURCE', `${p} ${why}`, { cause: err, details: { path: p } });
}

function nameClash(dest: string, origin: string, other: string): SdkError {
  return new SdkError('PKR_ERR_MEDIA_NAME', `${dest}: ${origin} clashes with ${other}`, {
    details: { path: dest },
  });
}
