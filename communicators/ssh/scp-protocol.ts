/**
 * The byte-level part of the SCP protocol (the `scp -t` / `scp -f` exchange OpenSSH's scp
 * speaks over an exec channel), free of I/O so it can be tested on bytes.
 *
 * Each control line ends in `\n`: `C<mode> <size> <name>` (a file follows), `D<mode> 0 <name>`
 * (enter a directory), `E` (leave it), `T<mtime> 0 <atime> 0` (times of the next entry).
 * Each side answers with one status byte: 0 = ok, 1 = warning, 2 = fatal, the latter two
 * followed by a message line.
 */

export type ScpRecord =
  | { kind: 'file'; mode: number; size: number; name: string }
  | { kind: 'dir'; mode: number; name: string }
  | { kind: 'end' }
  | { kind: 'times'; mtime: number; atime: number }
  | { kind: 'error'; fatal: boolean; message: string };

export const SCP_OK = Buffer.from([0]);
export const SCP_END = Buffer.from('E\n');

/** `C0644 123 name\n` */
export function fileRecord(mode: number, size: number, name: string): Buffer {
  return Buffer.from(`C${octal(mode)} ${size} ${checkName(name)}\n`);
}

/** `D0755 0 name\n` */
export function dirRecord(mode: number, name: string): Buffer {
  return Buffer.from(`D${octal(mode)} 0 ${checkName(name)}\n`);
}

/** `T<mtime> 0 <atime> 0\n` (whole seconds, as scp -p sends). */
export function timesRecord(mtime: Date, atime: Date = mtime): Buffer {
  return Buffer.from(`T${Math.floor(mtime.getTime() / 1000)} 0 ${Math.floor(atime.getTime() / 1000)} 0\n`);
}

/** An error status as a sink or source sends it: `\x01message\n` (warning) or `\x02…` (fatal). */
export function errorStatus(message: string, fatal = false): Buffer {
  return Buffer.from(`${fatal ? '\x02' : '\x01'}${message.replace(/\n/g, ' ')}\n`);
}

/**
 * Parses one control line as received (with its first byte, without the newline). Names are
 * checked the way OpenSSH's own sink checks them since CVE-2019-6111: a peer may not send
 * `/`, `.`, `..` or an empty name to write outside the target.
 * @throws Error for anything malformed.
 */
export function parseRecord(line: string): ScpRecord {
  const head = line.charCodeAt(0);
  if (head === 1 || head === 2) return { kind: 'error', fatal: head === 2, message: line.slice(1) };
  const type = line[0];
  if (type === 'E') {
    if (line !== 'E') throw new Error(`malformed scp end record ${JSON.stringify(line)}`);
    return { kind: 'end' };
  }
  if (type === 'T') {
    const m = /^T(\d+) (\d+) (\d+) (\d+)$/.exec(line);
    if (!m) throw new Error(`malformed scp times record ${JSON.stringify(line)}`);
    return { kind: 'times', mtime: Number(m[1]), atime: Number(m[3]) };
  }
  if (type === 'C' || type === 'D') {
    const m = /^[CD]([0-7]{4}) (\d+) (.+)$/s.exec(line);
    if (!m) throw new Error(`malformed scp record ${JSON.stringify(line)}`);
    const mode = parseInt(m[1]!, 8);
    const size = Number(m[2]);
    const name = m[3]!;
    if (!Number.isSafeInteger(size)) throw new Error(`scp size ${m[2]} is out of range`);
    if (name === '' || name === '.' || name === '..' || name.includes('/')) {
      throw new Error(`scp peer sent an unsafe name ${JSON.stringify(name)}`);
    }
    return type === 'C' ? { kind: 'file', mode, size, name } : { kind: 'dir', mode, name };
  }
  throw new Error(`unexpected scp record ${JSON.stringify(line.slice(0, 40))}`);
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

function checkName(name: string): string {
  if (name === '' || name.includes('\n') || name.includes('/')) {
    throw new Error(`cannot send ${JSON.stringify(name)} over scp (empty, or has '/' or a newline)`);
  }
  return name;
}
