import { expect } from 'chai';
import { PassThrough, Writable } from 'node:stream';
import { join } from 'node:path';
import type { Breakpoints } from '../../observability/breakpoints.js';
import { runWatchCommand } from '../../observability/cli-watch.js';
import type { BuildEventMessage, ControlReplyMessage } from '../../observability/control-messages.js';
import { MockUi } from '../../testing/index.js';
import { tempDir } from '../support/plugin-bundle.js';
import { killObserved, startObserved } from './support/observed-plugin.js';

function output(): {
  stream: Writable & { isTTY?: boolean };
  text: () => string;
  waitFor: (s: string) => Promise<void>;
} {
  let text = '';
  const waiters: { s: string; resolve: () => void }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      for (const w of [...waiters]) {
        if (text.includes(w.s)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
      done();
    },
  });
  return {
    stream,
    text: () => text,
    waitFor: (s) =>
      text.includes(s) ? Promise.resolve() : new Promise((resolve) => waiters.push({ s, resolve })),
  };
}

/** A control service stand-in: records calls, answers like the real one, streams what the test pushes. */
class FakeControl {
  readonly calls: string[] = [];
  #emit: ((e: BuildEventMessage) => void) | undefined;
  #end: (() => void) | undefined;
  closed = false;

  watch(onEvent: (e: BuildEventMessage) => void): { done: Promise<void>; cancel(): void } {
    this.#emit = onEvent;
    const done = new Promise<void>((resolve) => (this.#end = resolve));
    return { done, cancel: () => this.#end?.() };
  }
  push(event: BuildEventMessage): void {
    this.#emit?.(event);
  }
  async setBreakpoints(b: Breakpoints): Promise<Breakpoints> {
    this.calls.push(
      `set ${[...b.steps].join(',')}${b.onError ? ' +error' : ''}${b.onStart ? ' +start' : ''}`,
    );
    // The real service announces every change on the Watch stream.
    this.push({
      at: 0,
      event: 'control',
      control: { breakpoints: b, paused: false, pausedAt: [], pausedReason: '' },
    });
    return b;
  }
  async resume(): Promise<ControlReplyMessage> {
    this.calls.push('resume');
    return { message: 'resumed at prepare' };
  }
  async stepOver(): Promise<ControlReplyMessage> {
    this.calls.push('step');
    throw new Error('not paused');
  }
  async cancel(reason?: string): Promise<ControlReplyMessage> {
    this.calls.push(`cancel ${reason ?? ''}`);
    return { message: 'cancelling' };
  }
  close(): void {
    this.closed = true;
  }
}

describe('observability/cli-watch', function () {
  this.timeout(60_000);
  afterEach(killObserved);

  it('handles keys from stdin in order: b toggles breakpoints, r, s, c steer, q quits', async () => {
    const stdin = new PassThrough();
    const out = output();
    const fake = new FakeControl();
    const done = runWatchCommand(['tcp:127.0.0.1:1', '--plain'], {
      stdin,
      stdout: out.stream,
      stderr: out.stream,
      env: {},
      connect: () => fake,
    });
    fake.push({
      at: 0,
      event: 'control',
      control: {
        breakpoints: { steps: ['a'], onError: false, onStart: false },
        paused: false,
        pausedAt: [],
        pausedReason: '',
      },
    });
    stdin.write('bprox\x7fv\r');
    await out.waitFor('breakpoints: a,prov');
    stdin.write('b');
    stdin.write('a #error\r');
    await out.waitFor('breakpoints: prov,#error');
    stdin.write('b\x1bxrsc');
    await out.waitFor('cancelling');
    expect(out.text()).to.contain('resumed at prepare');
    expect(out.text()).to.contain('error: not paused');
    stdin.write('q');
    expect(await done).to.equal(0);
    expect(fake.calls).to.deep.equal([
      'set a,prov',
      'set prov +error',
      'resume',
      'step',
      'cancel cancelled from the watch command',
    ]);
    expect(fake.closed).to.equal(true);
  });

  it('refuses bad arguments with exit code 2 and the usage', async () => {
    const out = output();
    expect(await runWatchCommand(['--nope'], { stdout: out.stream, stderr: out.stream, env: {} })).to.equal(
      2,
    );
    expect(out.text()).to.contain('usage: packer-plugin-sdk watch');
    expect(await runWatchCommand([], { stdout: out.stream, stderr: out.stream, env: {} })).to.equal(2);
    expect(await runWatchCommand(['tcp:nope'], { stdout: out.stream, stderr: out.stream, env: {} })).to.equal(
      2,
    );
  });

  it('waits for a build, follows it to the end, and resumes it from the keyboard', async () => {
    const socket = join(tempDir('watch'), 'build.sock');
    const stdin = new PassThrough();
    const out = output();
    // Started before the plugin exists: it waits for the socket to appear.
    const watching = runWatchCommand([socket, '--plain'], {
      stdin,
      stdout: out.stream,
      stderr: out.stream,
      env: {},
    });
    await out.waitFor(`waiting for ${socket}`);
    const plugin = await startObserved({ PACKER_SDK_CONTROL: socket, PACKER_SDK_CONTROL_BREAK: '#start' });
    await plugin.builder.prepare([{}]);
    const run = plugin.builder.run(new MockUi());
    await out.waitFor('paused prepare start');
    stdin.write('r');
    await run;
    expect(await watching).to.equal(0);
    const text = out.text();
    expect(text).to.contain('graph sdk.observed: prepare, wait-here, finish, finish/write, finish/announce');
    expect(text).to.contain('resumed at prepare');
    expect(text).to.contain('ui say: done');
    expect(text).to.contain('run.finished - done');
  });

  it('draws the screen on a terminal and leaves the final view behind', async () => {
    const socket = join(tempDir('watch'), 'build.sock');
    const stdin = Object.assign(new PassThrough(), {
      isTTY: true,
      setRawMode: (on: boolean) => modes.push(on),
    });
    const modes: boolean[] = [];
    const out = output();
    const tty = Object.assign(out.stream, { isTTY: true, columns: 80, rows: 24 });
    const plugin = await startObserved({ PACKER_SDK_CONTROL: socket, PACKER_SDK_CONTROL_BREAK: '#start' });
    await plugin.builder.prepare([{}]);
    const watching = runWatchCommand([socket], { stdin, stdout: tty, stderr: tty, env: {} });
    const run = plugin.builder.run(new MockUi());
    await out.waitFor('sdk.observed: paused at prepare (start)');
    stdin.write('r');
    await run;
    expect(await watching).to.equal(0);
    expect(modes).to.deep.equal([true, false]);
    const text = out.text();
    expect(text).to.contain('\x1b[?1049h');
    const final = text.slice(text.lastIndexOf('\x1b[?1049l') + '\x1b[?1049l'.length);
    expect(final.split('\n')[0]).to.equal('sdk.observed: finished (done)');
    expect(final).to.contain('  ✓ wait-here');
    expect(final).to.contain('    ✓ announce');
  });
});
