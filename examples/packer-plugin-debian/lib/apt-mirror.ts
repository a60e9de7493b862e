import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FALLBACK = 'http://deb.debian.org/debian';

/**
 * The Debian archive this machine's apt already uses (the first `deb` source that is not a
 * security or updates-only archive), so builds need no extra network setup; Debian's
 * default redirector otherwise.
 */
export function hostAptMirror(etcApt = '/etc/apt'): string {
  const candidates: string[] = [];
  const read = (path: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  // deb822 .sources files: "Types: deb" stanzas with "URIs:".
  let files: string[];
  try {
    files = readdirSync(join(etcApt, 'sources.list.d')).filter((f) => f.endsWith('.sources'));
  } catch {
    files = [];
  }
  for (const file of files.sort()) {
    for (const stanza of read(join(etcApt, 'sources.list.d', file)).split(/\n\s*\n/)) {
      if (!/^Types:.*\bdeb\b/m.test(stanza)) continue;
      const uris = /^URIs:\s*(.+)$/m.exec(stanza)?.[1]?.split(/\s+/) ?? [];
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1] ?? '';
      if (!/security/.test(suites)) candidates.push(...uris);
    }
  }
  // One-line format.
  for (const line of read(join(etcApt, 'sources.list')).split('\n')) {
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line.trim());
    if (m && !/security/.test(m[2]!)) candidates.push(m[1]!);
  }
  return candidates.find((u) => /debian/.test(u) && !/security/.test(u)) ?? FALLBACK;
}
