import { createHmac, randomBytes } from 'node:crypto';

/** One key line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  /** `@revoked` or `@cert-authority` when the line carries a marker. */
  marker?: 'revoked' | 'cert-authority';
  /** The host pattern field: comma-separated patterns, or one `|1|salt|hash` entry. */
  hosts: string;
  keyType: string;
  keyBlob: Buffer;
  /** 1-based line number, for messages. */
  line: number;
}

/** Parses known_hosts text, skipping comments, blank and malformed lines. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return;
    entries.push({
      ...(marker ? { marker } : {}),
      hosts,
      keyType,
      keyBlob: Buffer.from(b64, 'base64'),
      line: index + 1,
    });
  });
  return entries;
}

/** The name OpenSSH looks a host up by: `host`, or `[host]:port` off port 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/**
 * True when the entry's host field names `host:port`, by OpenSSH's rules: hashed entries
 * (HMAC-SHA1 of the name), comma-separated patterns with `*`/`?` wildcards, and `!`
 * negations that veto the whole line.
 */
export function hostMatches(hostsField: string, host: string, port: number): boolean {
  const name = knownHostsName(host, port);
  if (hostsField.startsWith('|1|')) {
    const [, , salt, hash] = hostsField.split('|');
    if (!salt || !hash) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  let matched = false;
  for (const pattern of hostsField.split(',')) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    if (wildcardMatch(body.toLowerCase(), name.toLowerCase())) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** A known_hosts line for `host:port`; `hashed` writes the `|1|salt|hash` form. */
export function formatKnownHostsLine(
  host: string,
  port: number,
  keyType: string,
  keyBlob: Buffer,
  hashed = false,
): string {
  const name = knownHostsName(host, port);
  let field = name;
  if (hashed) {
    const salt = randomBytes(20);
    field = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  }
  return `${field} ${keyType} ${keyBlob.toString('base64')}`;
}

function wildcardMatch(pattern: string, text: string): boolean {
  let regex = '^';
  for (const c of pattern) {
    if (c === '*') regex += '.*';
    else if (c === '?') regex += '.';
    else regex += c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${regex}$`).test(text);
}
