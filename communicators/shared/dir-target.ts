import path from 'node:path';

/**
 * The directory a directory copy writes into, by the rsync-like rule of Go's communicators:
 * `src` with a trailing slash copies its contents into `dst`; without one, `dst/<name of
 * src>` is created and filled. `flavour` is the path flavour of `dst`'s side (`posix` for
 * remote paths, `local` for this machine's).
 *
 * @example copyRoot('/tmp/out', 'site/', 'posix') // '/tmp/out'
 * @example copyRoot('/tmp/out', 'site', 'posix')  // '/tmp/out/site'
 */
export function copyRoot(dst: string, src: string, flavour: 'posix' | 'local'): string {
  if (!copiesDirectoryItself(src)) return dst;
  return flavour === 'posix' ? path.posix.join(dst, baseName(src)) : path.join(dst, baseName(src));
}

/** True when the directory copy creates `dst/<name>` (no trailing slash on `src`). */
export function copiesDirectoryItself(src: string): boolean {
  const name = baseName(src);
  return !(src.endsWith('/') || src.endsWith(path.sep)) && name !== '' && name !== '.' && name !== '..';
}

/** The last segment of a slash- or platform-separated path. */
export function baseName(p: string): string {
  let end = p.length;
  while (end > 0 && isSeparator(p[end - 1]!)) end--;
  let start = end;
  while (start > 0 && !isSeparator(p[start - 1]!)) start--;
  return p.slice(start, end);
}

function isSeparator(c: string): boolean {
  return c === '/' || c === path.sep;
}
