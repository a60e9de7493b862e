/**
 * `exclude` patterns for uploadDir/downloadDir. Go's communicators accept the list but ignore
 * it; ours apply it, with .gitignore-like rules:
 *
 * - `*` matches within one path segment, `?` one character, `[a-z]` / `[!a-z]` a class,
 *   `**` any number of segments, `\` escapes the next character;
 * - a pattern without a `/` matches an entry's name at any depth (`*.log`, `.git`);
 * - a pattern with a `/` matches the path relative to the copied directory (`build/tmp`,
 *   `/cache`, `docs/**\/*.bak`);
 * - a trailing `/` matches directories only (`tmp/`).
 *
 * An excluded directory is skipped with everything in it.
 */
export type ExcludeMatcher = (relativePath: string, isDirectory: boolean) => boolean;

interface CompiledPattern {
  regex: RegExp;
  anchored: boolean;
  directoryOnly: boolean;
}

/** Compiles `patterns` into one predicate over slash-separated relative paths. */
export function createExcludeMatcher(patterns: readonly string[] = []): ExcludeMatcher {
  const compiled = patterns.filter((p) => p.trim() !== '').map(compilePattern);
  if (compiled.length === 0) return () => false;
  return (relativePath, isDirectory) => {
    const rel = relativePath.replace(/^\/+|\/+$/g, '');
    const name = rel.slice(rel.lastIndexOf('/') + 1);
    return compiled.some((p) => (!p.directoryOnly || isDirectory) && p.regex.test(p.anchored ? rel : name));
  };
}

function compilePattern(pattern: string): CompiledPattern {
  let p = pattern;
  const directoryOnly = p.endsWith('/');
  p = p.replace(/\/+$/, '');
  const anchored = p.includes('/');
  p = p.replace(/^\/+/, '');
  return { regex: new RegExp(`^${globToRegex(p)}$`), anchored, directoryOnly };
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegex(glob[++i]!);
    } else if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        // `**/` also matches zero segments.
        if (glob[i + 1] === '/') {
          i++;
          out += '(?:.*/)?';
        } else {
          out += '.*';
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/\\/g, '\\\\').replace(/]/g, '\\]')}]`;
      i = end;
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
