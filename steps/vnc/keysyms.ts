import { SdkError } from '../../errors/index.js';
import type { SpecialKeyName } from '../boot-command-keys.js';

/** X11 keysym of the left Shift key, pressed around shifted characters. */
export const XK_SHIFT_L = 0xffe1;

/**
 * X11 keysyms of the named boot-command keys (X11's keysymdef.h; the Go SDK's VNC driver
 * uses the same values, including Alt_L/Alt_R for the macOS Command keys and Meta_L/Meta_R
 * for the Option keys, which it checked against macOS's VNC server).
 */
export const SPECIAL_KEYSYMS: Readonly<Record<SpecialKeyName, number>> = {
  bs: 0xff08,
  del: 0xffff,
  enter: 0xff0d,
  return: 0xff0d,
  esc: 0xff1b,
  tab: 0xff09,
  up: 0xff52,
  down: 0xff54,
  left: 0xff51,
  right: 0xff53,
  spacebar: 0x0020,
  insert: 0xff63,
  home: 0xff50,
  end: 0xff57,
  pageUp: 0xff55,
  pageDown: 0xff56,
  menu: 0xff67,
  f1: 0xffbe,
  f2: 0xffbf,
  f3: 0xffc0,
  f4: 0xffc1,
  f5: 0xffc2,
  f6: 0xffc3,
  f7: 0xffc4,
  f8: 0xffc5,
  f9: 0xffc6,
  f10: 0xffc7,
  f11: 0xffc8,
  f12: 0xffc9,
  leftAlt: 0xffe9,
  rightAlt: 0xffea,
  leftCtrl: 0xffe3,
  rightCtrl: 0xffe4,
  leftShift: 0xffe1,
  rightShift: 0xffe2,
  leftSuper: 0xffeb,
  rightSuper: 0xffec,
  leftCommand: 0xffe9,
  rightCommand: 0xffea,
  leftOption: 0xffe7,
  rightOption: 0xffe8,
};

/**
 * The keysym that types `char`. Latin-1 characters are their own keysyms; every other
 * Unicode character is `0x01000000 + code point` (X11's Unicode keysyms), which servers such
 * as TigerVNC map to a key on the fly. A newline types Return and a tab Tab, so a multi-line
 * boot_command entry presses Enter where its lines break.
 */
export function keysymForChar(char: string): number {
  const cp = char.codePointAt(0);
  if (cp === undefined || [...char].length !== 1) {
    throw new SdkError('PKR_ERR_VNC_KEY', `expected one character, got ${JSON.stringify(char)}`);
  }
  if (cp === 0x0a || cp === 0x0d) return 0xff0d;
  if (cp === 0x09) return 0xff09;
  if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff)) return cp;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
    throw new SdkError(
      'PKR_ERR_VNC_KEY',
      `the control character U+${cp.toString(16).toUpperCase().padStart(4, '0')} has no keysym`,
      { details: { codePoint: cp } },
    );
  }
  return 0x01000000 + cp;
}
