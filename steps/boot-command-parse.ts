import { formatDuration, nsToMs, tryParseDuration } from '../config/duration.js';
import { editDistance } from '../config/did-you-mean.js';
import { SdkError } from '../errors/index.js';
import { SPECIAL_KEYS, specialKeyList, type BootKey, type SpecialKeyName } from './boot-command-keys.js';

/** Where a token starts: the `boot_command` entry and a 1-based line and column in it (characters). */
export interface BootPosition {
  readonly entry: number;
  readonly line: number;
  readonly column: number;
}

/**
 * One thing a boot command does. `press` types a key (down and up), `down`/`up` hold and
 * release it (`<leftCtrlOn>`, `<cOff>`), `wait` pauses.
 */
export type BootAction =
  | { readonly type: 'press' | 'down' | 'up'; readonly key: BootKey; readonly at: BootPosition }
  | { readonly type: 'wait'; readonly ms: number; readonly at: BootPosition };

/** A problem in a boot command, with where it is. */
export interface BootCommandProblem {
  readonly at: BootPosition;
  /** What is wrong, without the position. */
  readonly reason: string;
  /** `boot_command[2]`: the entry as a field path. */
  readonly path: string;
  /** `column 7: unknown key <entr> …` (`line 2, column 3: …` in a multi-line entry). */
  readonly message: string;
}

export interface ParseBootCommandOptions {
  /**
   * What `<word>` that names no key means. `'error'` (default) reports it with the list of
   * valid keys; `'literal'` types it character by character, as Packer does.
   */
  unknownKeys?: 'error' | 'literal';
  /** Field name used in messages; default `boot_command`. */
  field?: string;
}

export interface BootCommandParse {
  readonly actions: readonly BootAction[];
  readonly problems: readonly BootCommandProblem[];
}

const TIME_UNITS = ['ns', 'us', '\u00b5s', 'ms', 's', 'm', 'h'] as const;
const KEY_LIKE = /^<([A-Za-z][A-Za-z0-9_.:+-]*)>/;
const LOWER_SPECIALS = SPECIAL_KEYS.map((name) => [name, [...name.toLowerCase()]] as const);

/**
 * Parses Packer's boot-command grammar into key actions, collecting every problem. The entries
 * of `boot_command` are one command typed in sequence (Packer joins them), so a token may not
 * be split in two by accident of layout; positions still name the entry a token starts in.
 *
 * The grammar is the Go SDK's: `<wait>` (1 s), `<wait5>` (seconds), `<wait1m30s>` (a Go
 * duration), `<enter>`-style named keys (names are case-insensitive), `<leftCtrlOn>` /
 * `<leftCtrlOff>` to hold and release a named key, `<aOn>` / `<aOff>` for one character, and
 * every other character typed as is.
 */
export function scanBootCommand(
  command: string | readonly string[],
  options: ParseBootCommandOptions = {},
): BootCommandParse {
  const entries = typeof command === 'string' ? [command] : command;
  const field = options.field ?? 'boot_command';
  const cps: string[] = [];
  const where: BootPosition[] = [];
  entries.forEach((text, entry) => {
    let line = 1;
    let column = 1;
    for (const cp of text) {
      cps.push(cp);
      where.push({ entry, line, column });
      if (cp === '\n') {
        line++;
        column = 1;
      } else column++;
    }
  });
  const actions: BootAction[] = [];
  const problems: BootCommandProblem[] = [];
  const problem = (at: BootPosition, reason: string): void => {
    const place = at.line === 1 ? `column ${at.column}` : `line ${at.line}, column ${at.column}`;
    const path = typeof command === 'string' ? field : `${field}[${at.entry}]`;
    problems.push({ at, reason, path, message: `${place}: ${reason}` });
  };

  let i = 0;
  while (i < cps.length) {
    const at = where[i]!;
    if (cps[i] !== '<') {
      actions.push({ type: 'press', key: { kind: 'char', char: cps[i]! }, at });
      i++;
      continue;
    }
    const wait = matchWait(cps, i);
    if (wait) {
      if ('error' in wait) problem(at, wait.error);
      else if (wait.ns <= 0n) problem(at, `Expecting a positive wait value. Got ${formatDuration(wait.ns)}`);
      else actions.push({ type: 'wait', ms: nsToMs(wait.ns), at });
      i = wait.end;
      continue;
    }
    const toggle = matchCharToggle(cps, i);
    if (toggle) {
      actions.push({ type: toggle.type, key: { kind: 'char', char: cps[i + 1]! }, at });
      i = toggle.end;
      continue;
    }
    const special = matchSpecial(cps, i);
    if (special) {
      actions.push({ type: special.type, key: { kind: 'special', name: special.name }, at });
      i = special.end;
      continue;
    }
    const keyLike = options.unknownKeys === 'literal' ? null : KEY_LIKE.exec(cps.slice(i, i + 64).join(''));
    if (keyLike) {
      problem(at, unknownKeyReason(keyLike[1]!));
      i += [...keyLike[0]].length;
      continue;
    }
    actions.push({ type: 'press', key: { kind: 'char', char: '<' }, at });
    i++;
  }
  return { actions, problems };
}

/**
 * Parses a boot command (see {@link scanBootCommand}) and throws `PKR_ERR_BOOT_COMMAND_SYNTAX`
 * listing every problem, each with its entry and column.
 * @example parseBootCommand(['<esc><wait>', 'linux ks=http://10.0.2.2:8080/ks.cfg<enter>'])
 */
export function parseBootCommand(
  command: string | readonly string[],
  options: ParseBootCommandOptions = {},
): readonly BootAction[] {
  const { actions, problems } = scanBootCommand(command, options);
  if (problems.length > 0) {
    const lines = problems.map((p) => `* ${p.path}: ${p.message}`).join('\n');
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    throw new SdkError('PKR_ERR_BOOT_COMMAND_SYNTAX', `the boot command has ${count}:\n${lines}`, {
      details: {
        problems: problems.map((p) => ({ path: p.path, ...p.at, reason: p.reason })),
      },
    });
  }
  return actions;
}

function unknownKeyReason(word: string): string {
  const base = word.replace(/(on|off)$/i, '');
  const guess = closestKey(word) ?? closestKey(base);
  const hint = guess === undefined ? '' : ` (did you mean <${guess}>?)`;
  return (
    `unknown key <${word}>${hint}. Valid keys: ${specialKeyList()}; add On or Off to hold or ` +
    `release one (<leftCtrlOn>, <aOff>); <wait>, <wait5>, <wait1m30s> pause`
  );
}

/** A key name within a third of the word's length in edits (at least one): a plausible typo. */
function closestKey(word: string): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { name: string; distance: number } | undefined;
  for (const name of [...SPECIAL_KEYS, 'wait']) {
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

type WaitMatch = { end: number; ns: bigint } | { end: number; error: string };

/** `<wait>`, `<wait5>`, `<wait1m30s>`; `"wait"` itself is case-sensitive in Packer's grammar. */
function matchWait(cps: readonly string[], i: number): WaitMatch | null {
  if (cps.slice(i, i + 5).join('') !== '<wait') return null;
  const start = i + 5;
  const durationEnd = matchDuration(cps, start);
  if (durationEnd > start) {
    if (cps[durationEnd] !== '>') return null;
    const text = cps.slice(start, durationEnd).join('');
    const parsed = tryParseDuration(text);
    return parsed.ok
      ? { end: durationEnd + 1, ns: parsed.ns }
      : { end: durationEnd + 1, error: parsed.message };
  }
  const integerEnd = matchInteger(cps, start);
  if (integerEnd > start) {
    if (cps[integerEnd] !== '>') return null;
    const seconds = BigInt(cps.slice(start, integerEnd).join(''));
    if (seconds > 9_223_372_036n) {
      return { end: integerEnd + 1, error: `wait of ${seconds} seconds is out of range` };
    }
    return { end: integerEnd + 1, ns: seconds * 1_000_000_000n };
  }
  if (cps[start] !== '>') return null;
  return { end: start + 1, ns: 1_000_000_000n };
}

/** `(Number TimeUnit)+` where Number is `-? Integer (. Digit+)?`; returns the end, or `start`. */
function matchDuration(cps: readonly string[], start: number): number {
  let k = start;
  for (;;) {
    let n = k;
    if (cps[n] === '-') n++;
    const integerEnd = matchInteger(cps, n);
    if (integerEnd === n) return k;
    n = integerEnd;
    if (cps[n] === '.' && isDigit(cps[n + 1])) {
      n++;
      while (isDigit(cps[n])) n++;
    }
    const unit = TIME_UNITS.find((u) => cps.slice(n, n + [...u].length).join('') === u);
    if (unit === undefined) return k;
    k = n + [...unit].length;
  }
}

/** `0` or a number without leading zeros. */
function matchInteger(cps: readonly string[], start: number): number {
  if (cps[start] === '0') return start + 1;
  let k = start;
  if (!isDigit(cps[k])) return start;
  while (isDigit(cps[k])) k++;
  return k;
}

function matchOnOff(cps: readonly string[], k: number): { type: 'down' | 'up'; end: number } | null {
  const lower = (n: number): string =>
    cps
      .slice(k, k + n)
      .join('')
      .toLowerCase();
  if (lower(2) === 'on') return { type: 'down', end: k + 2 };
  if (lower(3) === 'off') return { type: 'up', end: k + 3 };
  return null;
}

/** `<cOn>`, `<cOff>`: one character held or released. */
function matchCharToggle(cps: readonly string[], i: number): { type: 'down' | 'up'; end: number } | null {
  if (cps[i + 1] === undefined) return null;
  const onOff = matchOnOff(cps, i + 2);
  if (!onOff || cps[onOff.end] !== '>') return null;
  return { type: onOff.type, end: onOff.end + 1 };
}

/** `<enter>`, `<leftCtrlOn>`: the first name that matches is taken, as in a PEG choice. */
function matchSpecial(
  cps: readonly string[],
  i: number,
): { name: SpecialKeyName; type: 'press' | 'down' | 'up'; end: number } | null {
  const found = LOWER_SPECIALS.find(([, chars]) =>
    chars.every((c, n) => cps[i + 1 + n]?.toLowerCase() === c),
  );
  if (!found) return null;
  const [name, chars] = found;
  let k = i + 1 + chars.length;
  let type: 'press' | 'down' | 'up' = 'press';
  const onOff = matchOnOff(cps, k);
  if (onOff) {
    type = onOff.type;
    k = onOff.end;
  }
  if (cps[k] !== '>') return null;
  return { name, type, end: k + 1 };
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}
