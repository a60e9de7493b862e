import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { keys } from '../../../engine/keys.js';
import { isSdkError } from '../../../errors/index.js';
import { stepTypeBootCommand } from '../../../steps/boot-command.js';
import { connectRfb } from '../../../steps/vnc/rfb-client.js';
import { createVncDriver } from '../../../steps/vnc/vnc-driver.js';
import { createManualClock, createMockState, MockUi, runStep } from '../../../testing/index.js';
import { startXvnc, xvncSkipReason, type ObservedKey, type Xvnc } from '../support/xvnc.js';

/** xev's names for what typing `text` presses, Shift_L first where Shift is needed. */
function pressesFor(text: string): string[] {
  const names: Record<string, string> = {
    ':': 'colon',
    '/': 'slash',
    '.': 'period',
    '-': 'minus',
    '=': 'equal',
    ' ': 'space',
    '~': 'asciitilde',
    '!': 'exclam',
    '@': 'at',
    '"': 'quotedbl',
    '?': 'question',
    '<': 'less',
  };
  return [...text].flatMap((c) => {
    const shift = /[A-Z~!@:"?<]/.test(c);
    return [...(shift ? ['Shift_L'] : []), names[c] ?? c];
  });
}

const presses = (observed: readonly ObservedKey[]): string[] =>
  observed.filter((k) => k.type === 'press').map((k) => k.name);

describe('steps/vnc against a real VNC server (TigerVNC Xvnc)', function () {
  this.timeout(60_000);
  const skip = xvncSkipReason();

  describe('security type None', () => {
    let xvnc: Xvnc;
    before(async function () {
      if (skip) {
        console.log(`      skipped: ${skip}`);
        this.skip();
      }
      xvnc = await startXvnc();
    });
    after(async () => {
      await xvnc?.stop();
      if (xvnc) {
        expect(existsSync(`/tmp/.X${xvnc.display}-lock`), 'Xvnc lock file left behind').to.equal(false);
        expect(existsSync(`/tmp/.X11-unix/X${xvnc.display}`), 'X socket left behind').to.equal(false);
      }
    });

    it('types a rendered boot command that arrives as the right key events, in order', async () => {
      const state = createMockState([
        [keys.ui, new MockUi()],
        [keys.httpIp, '10.0.2.2'],
        [keys.httpPort, 8080],
      ]);
      const step = stepTypeBootCommand({
        config: {
          boot_command: [
            '<esc><wait>ks=http://{{ .HTTPIP }}:{{ .HTTPPort }}/',
            '{{ .Name }}.cfg Ok~<enter>',
            '<f12>',
          ],
          boot_wait: '10s',
          boot_keygroup_interval: '1s',
        },
        vmName: 'Debian-12',
        driver: () => createVncDriver({ host: '127.0.0.1', port: xvnc.port }),
        // Every pause (boot_wait, <wait>, key intervals) passes at once: nothing sleeps.
        clock: createManualClock({ autoAdvance: true }),
      });
      const run = await runStep(step, { state });
      expect(run.error).to.equal(undefined);
      await xvnc.waitForKey((k) => k.name === 'F12' && k.type === 'release');
      expect(presses(xvnc.keys)).to.deep.equal([
        'Escape',
        ...pressesFor('ks=http://10.0.2.2:8080/Debian-12.cfg Ok~'),
        'Return',
        'F12',
      ]);
      // Every press was released, and Shift was down exactly for the shifted keys.
      const releases = xvnc.keys.filter((k) => k.type === 'release');
      expect(releases).to.have.length(presses(xvnc.keys).length);
      for (const k of xvnc.keys.filter((key) => key.type === 'press' && key.name !== 'Shift_L')) {
        expect(k.state & 1, `Shift state of ${k.name}`).to.equal(
          /^[A-Z]$|^(colon|asciitilde)$/.test(k.name) ? 1 : 0,
        );
      }
    });

    it('holds modifiers with <xxxOn> until <xxxOff>', async () => {
      const before = xvnc.keys.length;
      const driver = await createVncDriver({ host: '127.0.0.1', port: xvnc.port });
      const step = stepTypeBootCommand({
        config: {
          boot_command: ['<leftCtrlOn>c<leftCtrlOff><leftAltOn><f2><leftAltOff>x<f11>'],
          boot_wait: '-1s',
        },
        driver,
        clock: createManualClock({ autoAdvance: true }),
      });
      const run = await runStep(step, { state: createMockState([[keys.ui, new MockUi()]]) });
      await driver.close();
      expect(run.error).to.equal(undefined);
      await xvnc.waitForKey((k) => k.name === 'F11' && k.type === 'release');
      const seen = xvnc.keys
        .slice(before)
        .map((k) => `${k.type === 'press' ? '+' : '-'}${k.name}@${k.state}`);
      expect(seen).to.deep.equal([
        '+Control_L@0',
        '+c@4',
        '-c@4',
        '-Control_L@4',
        '+Alt_L@0',
        '+F2@8',
        '-F2@8',
        '-Alt_L@8',
        '+x@0',
        '-x@0',
        '+F11@0',
        '-F11@0',
      ]);
    });
  });

  describe('security type VncAuth', () => {
    let xvnc: Xvnc;
    before(async function () {
      if (skip) {
        console.log(`      skipped: ${skip}`);
        this.skip();
      }
      xvnc = await startXvnc({ password: 'b00tkeys' });
    });
    after(async () => {
      await xvnc?.stop();
    });

    for (const maxVersion of ['3.8', '3.3'] as const) {
      it(`authenticates with the password over RFB ${maxVersion} and types`, async () => {
        const before = xvnc.keys.length;
        const client = await connectRfb({
          host: '127.0.0.1',
          port: xvnc.port,
          password: 'b00tkeys',
          maxVersion,
        });
        expect(client.server).to.include({
          version: maxVersion,
          securityType: 'vnc-auth',
          width: 640,
          height: 480,
        });
        await client.close();
        const driver = await createVncDriver({
          host: '127.0.0.1',
          port: xvnc.port,
          password: 'b00tkeys',
          maxVersion,
        });
        try {
          await driver.sendKey({ kind: 'char', char: 'Q' });
          await driver.sendKey({ kind: 'special', name: 'tab' });
        } finally {
          await driver.close();
        }
        await xvnc.waitForKey(
          (k) => k.name === 'Tab' && k.type === 'release' && xvnc.keys.indexOf(k) >= before,
        );
        expect(presses(xvnc.keys.slice(before))).to.deep.equal(['Shift_L', 'Q', 'Tab']);
      });
    }

    it('reports a wrong password as PKR_ERR_VNC_AUTH with the server’s reason', async () => {
      const err = await connectRfb({ host: '127.0.0.1', port: xvnc.port, password: 'wrong-pw' }).catch(
        (e: unknown) => e,
      );
      expect(isSdkError(err, 'PKR_ERR_VNC_AUTH'), String(err)).to.equal(true);
      expect((err as Error).message).to.match(/^VNC authentication failed: ./);
    });
  });
});
