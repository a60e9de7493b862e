import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { SdkError } from '../errors/index.js';

/**
 * Packer's checksum settings (`iso_checksum`): `none`, `TYPE:HEX` with TYPE one of md5,
 * sha1, sha256, sha512, bare hex whose type is guessed from its length, or `file:LOCATION`
 * naming a checksum file (GNU `HEX  name` or BSD `SHA256 (name) = HEX` lines) in which the
 * entry for the downloaded file is found by its file name.
 */

export type ChecksumType = 'md5' | 'sha1' | 'sha256' | 'sha512';

export type ChecksumSpec =
  | { readonly kind: 'none' }
  | { readonly kind: 'value'; readonly type: ChecksumType; readonly hex: string }
  | { readonly kind: 'file'; readonly location: string };

/** A checksum to verify against. */
export interface Checksum {
  readonly type: ChecksumType;
  /** Lower-case hex. */
  readonly hex: string;
}

const HEX_LENGTH: Readonly<Record<ChecksumType, number>> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };
const BY_LENGTH = new Map<number, ChecksumType>(
  Object.entries(HEX_LENGTH).map(([type, length]) => [length, type as ChecksumType]),
);

/** `type:hex` as Packer prints a checksum. */
export function formatChecksum(sum: Checksum): string {
  return `${sum.type}:${sum.hex}`;
}

function invalid(text: string, why: string): SdkError {
  return new SdkError('PKR_ERR_CHECKSUM_INVALID', `checksum ${JSON.stringify(text)}: ${why}`, {
    details: { checksum: text },
  });
}

/** A hex value of a known type, checked for its length. */
function hexValue(text: string, hex: string, type?: ChecksumType): Checksum {
  const clean = hex.trim().toLowerCase();
  if (!/^[0-9a-f]+$/.test(clean)) throw invalid(text, 'the value is not hexadecimal');
  const guessed = type ?? BY_LENGTH.get(clean.length);
  if (!guessed) {
    throw invalid(
      text,
      `cannot tell the type from ${clean.length} hex digits; prefix it with md5:, sha1:, sha256: or sha512:`,
    );
  }
  if (clean.length !== HEX_LENGTH[guessed]) {
    throw invalid(text, `a ${guessed} checksum has ${HEX_LENGTH[guessed]} hex digits, not ${clean.length}`);
  }
  return { type: guessed, hex: clean };
}

/**
 * Parses a checksum setting.
 * @throws SdkError `PKR_ERR_CHECKSUM_INVALID` naming what is wrong.
 * @example parseChecksum('sha256:ABC…') // { kind: 'value', type: 'sha256', hex: 'abc…' }
 */
export function parseChecksum(text: string): ChecksumSpec {
  const trimmed = text.trim();
  if (trimmed === '') throw invalid(text, 'a checksum is required (use "none" to skip the check)');
  if (trimmed.toLowerCase() === 'none') return { kind: 'none' };
  const colon = trimmed.indexOf(':');
  if (colon < 0) return { kind: 'value', ...hexValue(text, trimmed) };
  const prefix = trimmed.slice(0, colon).toLowerCase();
  const rest = trimmed.slice(colon + 1);
  if (prefix === 'file') {
    if (rest === '') throw invalid(text, 'file: needs the URL or path of a checksum file');
    return { kind: 'file', location: rest };
  }
  if (prefix in HEX_LENGTH) return { kind: 'value', ...hexValue(text, rest, prefix as ChecksumType) };
  throw invalid(text, `unknown checksum type "${prefix}" (md5, sha1, sha256, sha512, file or none)`);
}

const BSD_LINE = /^(MD5|SHA1|SHA256|SHA512)\s*\((.+)\)\s*=\s*([0-9a-fA-F]+)\s*$/i;
const GNU_LINE = /^([0-9a-fA-F]+)\s+[* ]?(.+?)\s*$/;

/** One entry of a checksum file. */
export interface ChecksumEntry extends Checksum {
  /** The file name as listed (without GNU's `*` binary marker), or '' for a bare value. */
  readonly name: string;
}

/** Parses the lines of a GNU (`sha256sum`) or BSD (`shasum --tag`) checksum file; other lines are skipped. */
export function parseChecksumFile(text: string): ChecksumEntry[] {
  const entries: ChecksumEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const bsd = BSD_LINE.exec(line);
    if (bsd) {
      const type = bsd[1]!.toLowerCase() as ChecksumType;
      if (bsd[3]!.length === HEX_LENGTH[type])
        entries.push({ type, hex: bsd[3]!.toLowerCase(), name: bsd[2]! });
      continue;
    }
    const gnu = GNU_LINE.exec(line);
    const bare = /^[0-9a-fA-F]+$/.test(line) ? line : undefined;
    const hex = gnu?.[1] ?? bare;
    const type = hex === undefined ? undefined : BY_LENGTH.get(hex.length);
    if (hex !== undefined && type) entries.push({ type, hex: hex.toLowerCase(), name: gnu?.[2] ?? '' });
  }
  return entries;
}

/**
 * The entry for `fileName` (the last element of the downloaded URL's path): an exact name
 * first (a leading `./` ignored), then an entry whose own last element matches, then the
 * only value of a file holding just one bare value.
 * @throws SdkError `PKR_ERR_CHECKSUM_NOT_FOUND` listing the names the file has.
 */
export function findChecksum(entries: readonly ChecksumEntry[], fileName: string, source: string): Checksum {
  const strip = (n: string) => n.replace(/^\.\//, '');
  const exact = entries.find((e) => strip(e.name) === fileName);
  const byBase = exact ?? entries.find((e) => e.name.split('/').at(-1) === fileName);
  const bare = entries.length === 1 && entries[0]!.name === '' ? entries[0] : undefined;
  const found = byBase ?? bare;
  if (!found) {
    const names = entries.map((e) => e.name).filter((n) => n !== '');
    throw new SdkError(
      'PKR_ERR_CHECKSUM_NOT_FOUND',
      `${source} has no checksum for ${JSON.stringify(fileName)}${names.length > 0 ? ` (it lists ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})` : ' (it lists no files)'}`,
      { details: { file: fileName, source } },
    );
  }
  return { type: found.type, hex: found.hex };
}

/** Hashes a file's contents; cancelled through `signal`. */
export async function hashFile(file: string, type: ChecksumType, signal?: AbortSignal): Promise<string> {
  const hash = createHash(type);
  await pipeline(createReadStream(file), hash, { signal });
  return hash.digest('hex');
}

/**
 * Verifies `file` against `expected`.
 * @throws SdkError `PKR_ERR_CHECKSUM_MISMATCH` with the expected and the actual value.
 */
export async function verifyChecksum(file: string, expected: Checksum, signal?: AbortSignal): Promise<void> {
  const actual = await hashFile(file, expected.type, signal);
  if (actual !== expected.hex) {
    throw new SdkError(
      'PKR_ERR_CHECKSUM_MISMATCH',
      `${file}: expected ${expected.type} ${expected.hex}, got ${actual}`,
      { details: { file, type: expected.type, expected: expected.hex, actual } },
    );
  }
}
