/**
 * A real VNC server for the boot-command specs: TigerVNC's `Xvnc` (an X server whose screen is
 * served over RFB) on a free display and loopback port, and `xev` showing a window that
 * covers the screen, so every key the server receives is printed as an X KeyPress/KeyRelease
 * event with its keysym. The pointer starts over that window and no window manager runs, so
 * the keyboard focus (PointerRoot) delivers keys to it. `stop()` ends both processes and
 * removes the temp dir; Xvnc removes its own lock file and socket when it exits on SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, isRoot } from '../../support/sshd.js';

export const XVNC_PATH = '/usr/bin/Xvnc';
const XEV_PATH = '/usr/bin/xev';
const VNCPASSWD_PATH = '/usr/bin/vncpasswd';

/** Why the VNC specs cannot run here, or undefined when they can (installs the packages when root). */
export function xvncSkipReason(): string | undefined {
  const ready = (): boolean => [XVNC_PATH, XEV_PATH, VNCPASSWD_PATH].every((p) => existsSync(p));
  if (ready()) return undefined;
  if (!isRoot())
    return `${XVNC_PATH}, ${XEV_PATH} or ${VNCPASSWD_PATH} is missing and we are not root to install them`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  const packages = ['tigervnc-standalone-server', 'tigervnc-tools', 'x11-utils'];
  const installed = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'ignore',
    env,
  });
  if (installed.status !== 0 || !ready()) return `installing ${packages.join(', ')} failed`;
  return undefined;
}

/** One key event as the X server delivered it. */
export interface ObservedKey {
  readonly type: 'press' | 'release';
  readonly keysym: number;
  /** X's name for the keysym: `a`, `A`, `Shift_L`, `Return`, `asciitilde`. */
  readonly name: string;
  /** The modifier state when the event happened (0x1 Shift, 0x4 Control, 0x8 Mod1/Alt). */
  readonly state: number;
}

export interface Xvnc {
  readonly display: number;
  readonly port: number;
  /** Every key event xev printed so far. */
  readonly keys: readonly ObservedKey[];
  /** Resolves once an event matching `test` was observed. */
  waitForKey(test: (key: ObservedKey) => boolean): Promise<ObservedKey>;
  /** The X server's log so far. */
  log(): string;
  stop(): Promise<void>;
}

export interface XvncOptions {
  /** Use VNC authentication with this password (a `vncpasswd -f` file); default: security type None. */
  password?: string;
}

/** Starts Xvnc and the key observer, and resolves once both are ready. */
export async function startXvnc(options: XvncOptions = {}): Promise<Xvnc> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-xvnc-'));
  const children: ChildProcess[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const child of children.reverse()) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const display = freeDisplay();
    const port = await freePort();
    const security = ['-SecurityTypes', 'None'];
    if (options.password !== undefined) {
      const file = path.join(dir, 'passwd');
      const made = spawnSync(VNCPASSWD_PATH, ['-f'], { input: `${options.password}\n` });
      if (made.status !== 0) throw new Error(`vncpasswd failed: ${made.stderr.toString()}`);
      await writeFile(file, made.stdout, { mode: 0o600 });
      security.splice(0, 2, '-SecurityTypes', 'VncAuth', '-rfbauth', file);
    }
    let log = '';
    const server = spawn(
      XVNC_PATH,
      [
        `:${display}`,
        '-rfbport',
        String(port),
        '-localhost',
        '-geometry',
        '640x480',
        '-depth',
        '24',
        ...security,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    children.push(server);
    await new Promise<void>((resolve, reject) => {
      server.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes(`port ${port}`)) resolve();
      });
      server.once('error', reject);
      server.once('exit', (code) => reject(new Error(`Xvnc exited with ${code} before listening:\n${log}`)));
    });
    server.removeAllListeners('exit');

    const keys: ObservedKey[] = [];
    const waiters: { test: (k: ObservedKey) => boolean; resolve: (k: ObservedKey) => void }[] = [];
    // stdbuf: xev writes to a pipe here, which libc would otherwise buffer in 4 KiB blocks.
    const observer = spawn(
      'stdbuf',
      ['-oL', XEV_PATH, '-display', `:${display}`, '-geometry', '640x480+0+0', '-event', 'keyboard'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(observer);
    let out = '';
    let block: 'press' | 'release' | undefined;
    await new Promise<void>((resolve, reject) => {
      observer.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        let newline: number;
        while ((newline = out.indexOf('\n')) >= 0) {
          const line = out.slice(0, newline);
          out = out.slice(newline + 1);
          // KeymapNotify follows the pointer entering the window: from now on keys reach it.
          if (line.startsWith('KeymapNotify event')) resolve();
          if (line.startsWith('KeyPress event')) block = 'press';
          else if (line.startsWith('KeyRelease event')) block = 'release';
          const m = /state 0x([0-9a-f]+), keycode \d+ \(keysym 0x([0-9a-f]+), ([^)]+)\)/.exec(line);
          if (m && block) {
            const key = { type: block, state: parseInt(m[1]!, 16), keysym: parseInt(m[2]!, 16), name: m[3]! };
            block = undefined;
            keys.push(key);
            for (const w of [...waiters]) {
              if (w.test(key)) {
                waiters.splice(waiters.indexOf(w), 1);
                w.resolve(key);
              }
            }
          }
        }
      });
      observer.once('error', reject);
      observer.once('exit', (code) => reject(new Error(`xev exited with ${code}`)));
    });
    observer.removeAllListeners('exit');
    return {
      display,
      port,
      keys,
      waitForKey(test) {
        const found = keys.find(test);
        if (found) return Promise.resolve(found);
        return new Promise((resolve) => waiters.push({ test, resolve }));
      },
      log: () => log,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** An X display number with neither a lock file nor a socket. */
function freeDisplay(): number {
  for (let n = 40; n < 200; n++) {
    if (!existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`)) return n;
  }
  throw new Error('no free X display number between :40 and :199');
}
