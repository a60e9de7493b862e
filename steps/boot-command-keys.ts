/**
 * The keys a boot command can name, in the order the Go SDK's boot-command grammar tries them.
 * Order matters: the grammar takes the first name that matches, so `f10` comes before `f1`
 * and the bare `left`/`right` come after `leftAlt`/`rightAlt` and friends.
 */
export const SPECIAL_KEYS = [
  'bs',
  'del',
  'enter',
  'esc',
  'f10',
  'f11',
  'f12',
  'f1',
  'f2',
  'f3',
  'f4',
  'f5',
  'f6',
  'f7',
  'f8',
  'f9',
  'return',
  'tab',
  'up',
  'down',
  'spacebar',
  'insert',
  'home',
  'end',
  'pageUp',
  'pageDown',
  'leftAlt',
  'leftCtrl',
  'leftShift',
  'rightAlt',
  'rightCtrl',
  'rightShift',
  'leftSuper',
  'rightSuper',
  'leftCommand',
  'rightCommand',
  'leftOption',
  'rightOption',
  'left',
  'right',
  'menu',
] as const;

/** A named key (`<enter>`, `<leftCtrl>` …), spelled as Packer documents it. */
export type SpecialKeyName = (typeof SPECIAL_KEYS)[number];

/** A key a boot command presses: one character, or a named key. */
export type BootKey =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'special'; readonly name: SpecialKeyName };

/**
 * Characters typed with Shift held on a US keyboard, besides upper-case letters (the Go SDK's
 * `shiftedChars`). Drivers that send raw key codes need it; the VNC driver does too, because
 * servers map a keysym to a key and only then look at the modifiers.
 */
export const SHIFTED_CHARS = '~!@#$%^&*()_+{}|:"<>?';

/** True when typing `char` on a US keyboard needs Shift. */
export function needsShift(char: string): boolean {
  return SHIFTED_CHARS.includes(char) || (char.toLowerCase() !== char && char.toUpperCase() === char);
}

/** `<name>` for every special key, for messages that list what is valid. */
export function specialKeyList(): string {
  return [...SPECIAL_KEYS]
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((k) => `<${k}>`)
    .join(' ');
}

/** How a key reads in messages and logs: `a`, `<enter>`. */
export function describeKey(key: BootKey): string {
  return key.kind === 'char' ? JSON.stringify(key.char) : `<${key.name}>`;
}
