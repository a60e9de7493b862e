import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { SdkError } from '../errors/index.js';

/**
 * Go's `filepath.Glob`, because Packer's `floppy_files`, `floppy_dirs` and `cd_files` are
 * expanded with it: `*` and `?` never match `/`, `[a-z]`/`[^…]` are classes, `\` escapes, a
 * leading `.` is matched like any other character, I/O errors count as no match, and a
 * pattern without meta characters yields itself only when it exists.
 */

/** True when `pattern` holds one of Go's glob meta characters (`*`, `?`, `[`, or an escape). */
export function hasGlobMeta(pattern: string): boolean {
  return /[*?[\\]/.test(pattern);
}

/**
 * Compiles one path element of a Go glob into a RegExp.
 * @throws SdkError `PKR_ERR_OPTION_INVALID` for a malformed pattern (Go's ErrBadPattern).
 */
export function globElementRegExp(element: string): RegExp {
  let source = '^';
  let i = 0;
  const bad = (): never => {
    throw new SdkError('PKR_ERR_OPTION_INVALID', `syntax error in pattern ${JSON.stringify(element)}`);
  };
  const literal = (c: string): string => `\\u{${c.codePointAt(0)!.toString(16)}}`;
  const chars = [...element];
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === '*') {
      source += '[^/]*';
      i++;
    } else if (c === '?') {
      source += '[^/]';
      i++;
    } else if (c === '\\') {
      if (i + 1 >= chars.length) bad();
      source += literal(chars[i + 1]!);
      i += 2;
    } else if (c === '[') {
      i++;
      let negate = false;
      if (chars[i] === '^') {
        negate = true;
        i++;
      }
      let ranges = '';
      let first = true;
      for (;;) {
        if (i >= chars.length) bad();
        if (chars[i] === ']' && !first) {
          i++;
          break;
        }
        const lo = classChar();
        let hi = lo;
        if (chars[i] === '-' && chars[i + 1] !== ']') {
          i++;
          hi = classChar();
          if (hi.codePointAt(0)! < lo.codePointAt(0)!) bad();
        }
        ranges += lo === hi ? literal(lo) : `${literal(lo)}-${literal(hi)}`;
        first = false;
      }
      // A class never matches the separator, as in Go.
      source += negate ? `(?!/)[^${ranges}]` : `[${ranges}]`;
    } else {
      source += literal(c);
      i++;
    }
  }
  return new RegExp(`${source}$`, 'u');

  function classChar(): string {
    let c = chars[i];
    if (c === undefined || c === ']' || c === '-') bad();
    if (c === '\\') {
      i++;
      c = chars[i];
      if (c === undefined) bad();
    }
    i++;
    return c!;
  }
}

/** Go's `filepath.Match` for a whole name: true when `name` matches `pattern`. */
export function globMatch(pattern: string, name: string): boolean {
  const patternParts = pattern.split('/');
  const nameParts = name.split('/');
  if (patternParts.length !== nameParts.length) return false;
  return patternParts.every((p, i) => globElementRegExp(p).test(nameParts[i]!));
}

/**
 * Expands a Go glob pattern into the existing paths it matches, sorted per directory like
 * Go's Glob. Relative patterns are taken from `cwd` (default: the process's) and the results
 * stay relative.
 */
export async function glob(pattern: string, cwd: string = process.cwd()): Promise<string[]> {
  if (!hasGlobMeta(pattern)) {
    return (await exists(path.resolve(cwd, pattern))) ? [pattern] : [];
  }
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  // Reject a bad pattern even when the directory does not exist, as Go does.
  const matcher = globElementRegExp(base);
  const dirs = hasGlobMeta(dir) && dir !== pattern ? await glob(dir, cwd) : [dir];
  const out: string[] = [];
  for (const d of dirs) {
    let names: string[];
    try {
      names = await readdir(path.resolve(cwd, d));
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      if (matcher.test(name)) out.push(path.join(d, name));
    }
  }
  return out;
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}
