import { expect } from 'chai';
import { isSdkError } from '../../../errors/index.js';
import { SPECIAL_KEYS, type BootKey } from '../../../steps/boot-command-keys.js';
import { keysymForChar, SPECIAL_KEYSYMS } from '../../../steps/vnc/keysyms.js';
import { VncBootDriver } from '../../../steps/vnc/vnc-driver.js';

const char = (c: string): BootKey => ({ kind: 'char', char: c });

function recordingDriver() {
  const events: string[] = [];
  const driver = new VncBootDriver({
    keyEvent: async (keysym, down) => void events.push(`${down ? 'down' : 'up'} ${keysym.toString(16)}`),
  });
  return { events, driver };
}

describe('steps/vnc/vnc-driver: keys to RFB key events', () => {
  it('presses and releases a plain character', async () => {
    const { events, driver } = recordingDriver();
    await driver.sendKey(char('a'));
    expect(events).to.deep.equal(['down 61', 'up 61']);
  });

  it('holds Shift_L around upper-case letters and shifted punctuation', async () => {
    const { events, driver } = recordingDriver();
    await driver.sendKey(char('A'));
    await driver.sendKey(char(':'));
    expect(events).to.deep.equal([
      'down ffe1',
      'down 41',
      'up 41',
      'up ffe1',
      'down ffe1',
      'down 3a',
      'up 3a',
      'up ffe1',
    ]);
  });

  it('keeps Shift held between <~On> and <~Off>', async () => {
    const { events, driver } = recordingDriver();
    await driver.keyDown(char('~'));
    await driver.keyUp(char('~'));
    expect(events).to.deep.equal(['down ffe1', 'down 7e', 'up 7e', 'up ffe1']);
  });

  it('sends named keys with their X11 keysyms and no Shift', async () => {
    const { events, driver } = recordingDriver();
    await driver.keyDown({ kind: 'special', name: 'leftCtrl' });
    await driver.sendKey({ kind: 'special', name: 'f5' });
    await driver.keyUp({ kind: 'special', name: 'leftCtrl' });
    expect(events).to.deep.equal(['down ffe3', 'down ffc2', 'up ffc2', 'up ffe3']);
  });

  it('has a keysym for every named key, matching the Go SDK’s table', () => {
    for (const key of SPECIAL_KEYS) expect(SPECIAL_KEYSYMS[key], key).to.be.a('number');
    expect(SPECIAL_KEYSYMS.enter).to.equal(SPECIAL_KEYSYMS.return);
    expect(SPECIAL_KEYSYMS.spacebar).to.equal(0x20);
    expect(SPECIAL_KEYSYMS.leftCommand).to.equal(0xffe9);
    expect(SPECIAL_KEYSYMS.leftOption).to.equal(0xffe7);
  });

  it('maps characters to keysyms: Latin-1 as is, other Unicode as 0x01000000 + code point', () => {
    const table: [string, number][] = [
      [' ', 0x20],
      ['~', 0x7e],
      ['é', 0xe9],
      ['ÿ', 0xff],
      ['€', 0x010020ac],
      ['😀', 0x0101f600],
      ['\n', 0xff0d],
      ['\t', 0xff09],
    ];
    for (const [c, keysym] of table) expect(keysymForChar(c), JSON.stringify(c)).to.equal(keysym);
  });

  it('refuses control characters with PKR_ERR_VNC_KEY', () => {
    for (const c of ['\u0001', '\u007f', '\u0085']) {
      let err: unknown;
      try {
        keysymForChar(c);
      } catch (e) {
        err = e;
      }
      expect(isSdkError(err, 'PKR_ERR_VNC_KEY'), JSON.stringify(c)).to.equal(true);
    }
  });

  it('closes the connection it was given', async () => {
    let closed = 0;
    const driver = new VncBootDriver({ keyEvent: async () => undefined, close: async () => void closed++ });
    await driver.flush();
    await driver.close();
    expect(closed).to.equal(1);
  });
});
