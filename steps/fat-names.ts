import { SdkError } from '../errors/index.js';

/**
 * FAT file names: the 8.3 short name every FAT reader understands, and the VFAT long-name
 * entries (LFN) that carry the real name. A name that is already a valid upper-case 8.3 name
 * is stored short only; every other name gets LFN entries plus a unique `BASIS~N.EXT` alias,
 * built the way Windows builds them.
 */

/** Characters allowed in a short name besides A–Z and 0–9. */
const SHORT_EXTRA = new Set([...`!#$%&'()-@^_\`{}~`]);
/** Characters a long name may not contain (besides controls). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what FAT forbids
const LONG_FORBIDDEN = /[\\/:*?"<>|\u0000-\u001f]/;
/** UTF-16 units of a long name. */
export const MAX_LONG_NAME = 255;

/** One name as stored in a directory. */
export interface FatName {
  /** The 11 bytes of the short entry ("KS      CFG"). */
  readonly short: Buffer;
  /** The long name when LFN entries are needed, else undefined. */
  readonly long?: string;
}

function shortChar(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || SHORT_EXTRA.has(c);
}

/** Splits a valid 8.3 name into its two space-padded parts, or undefined. */
function exactShort(name: string): Buffer | undefined {
  const dot = name.lastIndexOf('.');
  const base = dot < 0 ? name : name.slice(0, dot);
  const ext = dot < 0 ? '' : name.slice(dot + 1);
  if (base.length < 1 || base.length > 8 || ext.length > 3) return undefined;
  if (dot >= 0 && ext.length === 0) return undefined;
  if (![...base, ...ext].every(shortChar)) return undefined;
  return Buffer.from(base.padEnd(8) + ext.padEnd(3), 'latin1');
}

/**
 * Checks that `name` can be stored at all.
 * @throws SdkError `PKR_ERR_MEDIA_NAME` naming the problem.
 */
export function checkLongName(name: string): void {
  const problem =
    name === '' || name === '.' || name === '..'
      ? 'is not a file name'
      : LONG_FORBIDDEN.test(name)
        ? 'contains a character FAT does not allow (\\ / : * ? " < > | or a control character)'
        : name.length > MAX_LONG_NAME
          ? `is longer than ${MAX_LONG_NAME} characters`
          : /[ .]$/.test(name)
            ? 'ends with a space or a dot, which FAT drops'
            : undefined;
  if (problem) {
    throw new SdkError('PKR_ERR_MEDIA_NAME', `${JSON.stringify(name)} ${problem}`, { details: { name } });
  }
}

/** Upper-cases and replaces what a short name cannot hold; reports whether anything was lost. */
function squeeze(part: string): { text: string; lossy: boolean } {
  let lossy = false;
  let text = '';
  for (const c of part.toUpperCase()) {
    if (c === ' ' || c === '.') {
      lossy = true;
    } else if (shortChar(c)) {
      text += c;
    } else {
      text += '_';
      lossy = true;
    }
  }
  return { text, lossy };
}

/**
 * Allocates the directory name for `name`, unique against `taken` (short names already in
 * the directory, as 11-character latin1 strings), which it then extends.
 */
export function allocateFatName(name: string, taken: Set<string>): FatName {
  checkLongName(name);
  const exact = exactShort(name);
  if (exact && !taken.has(exact.toString('latin1'))) {
    taken.add(exact.toString('latin1'));
    return { short: exact };
  }
  const trimmed = name.replace(/^\.+/, '');
  const dot = trimmed.lastIndexOf('.');
  const base = squeeze(dot < 0 ? trimmed : trimmed.slice(0, dot));
  const ext = squeeze(dot < 0 ? '' : trimmed.slice(dot + 1));
  const basis = base.text === '' ? '_' : base.text;
  const extPart = ext.text.slice(0, 3).padEnd(3);
  const lossy = base.lossy || ext.lossy || basis.length > 8 || ext.text.length > 3 || trimmed !== name;
  if (!lossy) {
    const candidate = basis.padEnd(8) + extPart;
    if (!taken.has(candidate)) {
      taken.add(candidate);
      return { short: Buffer.from(candidate, 'latin1'), long: name };
    }
  }
  for (let n = 1; n < 1_000_000; n++) {
    const tail = `~${n}`;
    const candidate = (basis.slice(0, 8 - tail.length) + tail).padEnd(8) + extPart;
    if (!taken.has(candidate)) {
      taken.add(candidate);
      return { short: Buffer.from(candidate, 'latin1'), long: name };
    }
  }
  throw new SdkError('PKR_ERR_MEDIA_NAME', `no free short name for ${JSON.stringify(name)}`);
}

/** The checksum of a short name that ties LFN entries to it. */
export function shortNameChecksum(short: Buffer): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum = (((sum & 1) << 7) + (sum >> 1) + short[i]!) & 0xff;
  return sum;
}

/** Number of 32-byte LFN entries a long name needs (13 UTF-16 units each). */
export function lfnEntryCount(long: string): number {
  return Math.ceil(long.length / 13);
}

/**
 * The LFN entries for `long`, in on-disk order (last part first, flagged 0x40), each 32
 * bytes, to be written right before the short entry.
 */
export function lfnEntries(long: string, short: Buffer): Buffer[] {
  const checksum = shortNameChecksum(short);
  const count = lfnEntryCount(long);
  const units: number[] = [];
  for (let i = 0; i < long.length; i++) units.push(long.charCodeAt(i));
  // The name ends with a NUL unless it fills its last entry exactly; then 0xFFFF padding.
  if (units.length % 13 !== 0) units.push(0);
  while (units.length < count * 13) units.push(0xffff);
  const entries: Buffer[] = [];
  for (let seq = count; seq >= 1; seq--) {
    const e = Buffer.alloc(32);
    e[0] = seq | (seq === count ? 0x40 : 0);
    const part = units.slice((seq - 1) * 13, seq * 13);
    const put = (offset: number, from: number, n: number): void => {
      for (let k = 0; k < n; k++) e.writeUInt16LE(part[from + k]!, offset + k * 2);
    };
    put(1, 0, 5);
    e[11] = 0x0f; // attribute: long-name entry
    e[13] = checksum;
    put(14, 5, 6);
    put(28, 11, 2);
    entries.push(e);
  }
  return entries;
}
