import type { BootDriver } from '../boot-command.js';
import { needsShift, type BootKey } from '../boot-command-keys.js';
import { keysymForChar, SPECIAL_KEYSYMS, XK_SHIFT_L } from './keysyms.js';
import { connectRfb, type RfbClient, type RfbConnectOptions } from './rfb-client.js';

/** What the VNC driver needs from a connection: RFB KeyEvent messages. */
export interface VncKeyEventSink {
  keyEvent(keysym: number, down: boolean): Promise<void>;
  close?(): Promise<void>;
}

/**
 * Types boot commands over VNC: each key becomes RFB KeyEvent messages with X11 keysyms, and
 * characters that need Shift on a US keyboard (upper case, `~!@#$%^&*()_+{}|:"<>?`) get
 * Shift_L pressed around them, as the Go SDK's VNC driver does. Events go out at once, so
 * `flush` has nothing to do; the step that types paces the keys.
 */
export class VncBootDriver implements BootDriver {
  readonly #sink: VncKeyEventSink;

  constructor(sink: VncKeyEventSink) {
    this.#sink = sink;
  }

  async sendKey(key: BootKey): Promise<void> {
    await this.keyDown(key);
    await this.keyUp(key);
  }

  async keyDown(key: BootKey): Promise<void> {
    const { keysym, shift } = resolve(key);
    if (shift) await this.#sink.keyEvent(XK_SHIFT_L, true);
    await this.#sink.keyEvent(keysym, true);
  }

  async keyUp(key: BootKey): Promise<void> {
    const { keysym, shift } = resolve(key);
    await this.#sink.keyEvent(keysym, false);
    if (shift) await this.#sink.keyEvent(XK_SHIFT_L, false);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {
    await this.#sink.close?.();
  }
}

function resolve(key: BootKey): { keysym: number; shift: boolean } {
  if (key.kind === 'special') return { keysym: SPECIAL_KEYSYMS[key.name], shift: false };
  return { keysym: keysymForChar(key.char), shift: needsShift(key.char) };
}

/**
 * Connects to a VNC server and returns a boot-command driver over it; closing the driver
 * closes the connection.
 * @example
 * stepTypeBootCommand({ config, driver: () => createVncDriver({ host: '127.0.0.1', port: 5901 }) })
 */
export async function createVncDriver(options: RfbConnectOptions): Promise<VncBootDriver> {
  const client: RfbClient = await connectRfb(options);
  return new VncBootDriver(client);
}
