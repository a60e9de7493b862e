import { expect } from 'chai';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { isSdkError, type ErrorCode } from '../../errors/index.js';
import { connectBuildControl, type BuildControlClient } from '../../observability/control-client.js';
import type { BuildEventMessage } from '../../observability/control-messages.js';
import { PRIVATE_DIR_PREFIX } from '../../observability/control-socket.js';
import { MockUi } from '../../testing/index.js';
import { tempDir } from '../support/plugin-bundle.js';
import { killObserved, startObserved, type RecordedPlugin } from './support/observed-plugin.js';

const PASSWORD = 'pa55-word-"quoted"';

interface Watched {
  readonly events: BuildEventMessage[];
  /** Resolves with the first event (seen or to come) that `test` accepts. */
  until(test: (e: BuildEventMessage) => boolean): Promise<BuildEventMessage>;
  readonly done: Promise<void>;
}

function watch(client: BuildControlClient): Watched {
  const events: BuildEventMessage[] = [];
  const waiters: { test: (e: BuildEventMessage) => boolean; resolve: (e: BuildEventMessage) => void }[] = [];
  const handle = client.watch((event) => {
    events.push(event);
    for (const w of [...waiters]) {
      if (w.test(event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  });
  return {
    events,
    done: handle.done,
    until: (test) => {
      const seen = events.find(test);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ test, resolve }));
    },
  };
}

const pausedAt =
  (path: string) =>
  (e: BuildEventMessage): boolean =>
    e.event === 'engine' && e.engine.type === 'paused' && e.engine.path.join('/') === path;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (err: unknown) => err,
  );
}

function expectCode(err: unknown, code: ErrorCode): void {
  expect(isSdkError(err, code), String(err)).to.equal(true);
}

describe('observability/control-service (a real plugin process with PACKER_SDK_CONTROL)', function () {
  this.timeout(60_000);
  const clients: BuildControlClient[] = [];
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.close());
    await killObserved();
  });

  async function controlled(
    env: NodeJS.ProcessEnv,
    config: Record<string, unknown> = {},
  ): Promise<{ plugin: RecordedPlugin; socket: string; client: BuildControlClient }> {
    const socket = join(tempDir('control'), 'build.sock');
    const plugin = await startObserved({ PACKER_SDK_CONTROL: socket, ...env });
    const prepared = await plugin.builder.prepare([{ password: PASSWORD, ...config }]);
    expect(prepared.error).to.equal(undefined);
    // The service is up before the session serves core's calls, so the socket exists now.
    const client = connectBuildControl(socket);
    clients.push(client);
    return { plugin, socket, client };
  }

  it('serves a 0600 socket inside a private 0700 directory, published at the path, gone when the build ends', async () => {
    const { plugin, socket } = await controlled({});
    const link = lstatSync(socket);
    expect(link.isSymbolicLink()).to.equal(true);
    const real = readlinkSync(socket);
    expect(dirname(real).startsWith(join(dirname(socket), PRIVATE_DIR_PREFIX))).to.equal(true);
    expect(statSync(real).isSocket()).to.equal(true);
    expect(statSync(real).mode & 0o777).to.equal(0o600);
    expect(statSync(dirname(real)).mode & 0o777).to.equal(0o700);
    await plugin.builder.run(new MockUi());
    expect(existsSync(socket)).to.equal(false);
    expect(() => lstatSync(socket)).to.throw();
    expect(existsSync(dirname(real))).to.equal(false);
  });

  it('streams the graph, pauses at breakpoints, shows redacted state, resumes to the end', async () => {
    const { plugin, client } = await controlled({ PACKER_SDK_CONTROL_BREAK: '#start' });
    const watched = watch(client);
    const ui = new MockUi();
    const run = plugin.builder.run(ui);

    await watched.until(pausedAt('prepare'));
    const first = watched.events[0]!;
    expect(first.event).to.equal('graph');
    if (first.event === 'graph') {
      expect(first.graph.steps).to.deep.equal([
        'prepare',
        'wait-here',
        'finish',
        'finish/write',
        'finish/announce',
      ]);
      expect(first.graph.mermaid).to.match(/^stateDiagram-v2/);
      expect(JSON.parse(first.graph.machineJson)).to.have.property('states');
    }
    const set = await client.setBreakpoints({
      steps: ['wait-here', 'finish/announce'],
      onError: false,
      onStart: true,
    });
    expect(set).to.deep.equal({ steps: ['wait-here', 'finish/announce'], onError: false, onStart: true });
    expect((await client.resume()).message).to.equal('resumed at prepare');

    await watched.until(pausedAt('wait-here'));
    const state = await client.getState();
    expect(state.running).to.equal(true);
    const entry = (key: string) => state.entries.find((e) => e.key === key)!;
    expect(entry('api_token')).to.deep.include({
      sensitive: true,
      masked: true,
      json: '',
      summary: '<sensitive>',
    });
    expect(entry('endpoint')).to.deep.include({
      masked: true,
      json: '"https://admin:<sensitive>@example.test/"',
    });
    expect(entry('counter')).to.deep.include({ masked: false, json: '"18446744073709551616"' });
    expect(entry('builder_config').masked).to.equal(true);
    expect(JSON.parse(entry('builder_config').json)).to.deep.include({
      password: '<sensitive>',
      message: 'hello',
    });
    expect(entry('ui').summary).to.match(/^<.+>$/);
    expect(JSON.stringify(state)).not.to.contain('pa55-word');

    // Step over from a top-level step: the next is the sequence itself.
    await client.stepOver();
    await watched.until(pausedAt('finish'));
    await client.resume();
    await watched.until(pausedAt('finish/announce'));
    await client.resume();
    await run;
    await watched.done;

    const engine = watched.events.flatMap((e) => (e.event === 'engine' ? [e.engine] : []));
    expect(engine.at(-1)).to.deep.include({ type: 'run.finished', status: 'done' });
    const lines = watched.events.flatMap((e) => (e.event === 'ui' ? [`${e.ui.kind}:${e.ui.text}`] : []));
    expect(lines, JSON.stringify(lines)).to.include('say:connecting with <sensitive>');
    expect(lines).to.include('message:message was hello');
    const progress = watched.events.flatMap((e) => (e.event === 'progress' ? [e.progress] : []));
    expect(progress.at(-1)).to.deep.include({ src: 'payload.bin', current: 100, done: true });
    expect(JSON.stringify(watched.events)).not.to.contain('pa55-word');
  });

  it('cancels at a breakpoint like Packer would: cleanup of what started, the paused step none', async () => {
    const marker = join(tempDir('marker'), 'cleanups.txt');
    const { plugin, client } = await controlled(
      { PACKER_SDK_CONTROL_BREAK: 'wait-here' },
      { marker_file: marker },
    );
    const watched = watch(client);
    const run = plugin.builder.run(new MockUi());
    run.catch(() => undefined); // examined below
    await watched.until(pausedAt('wait-here'));
    expect((await client.cancel('seen enough')).message).to.equal('cancelling: seen enough');
    const err = await rejection(run);
    expect(String(err)).to.contain('Build was cancelled.');
    expect(readFileSync(marker, 'utf8')).to.equal('prepare\n');
    await watched.done;
    const finished = watched.events.find((e) => e.event === 'engine' && e.engine.type === 'run.finished');
    expect(finished?.event === 'engine' && finished.engine.status).to.equal('cancelled');
  });

  it("lets Packer's own Cancel end a pause: the build is cancelled and cleaned up", async () => {
    const marker = join(tempDir('marker'), 'cleanups.txt');
    const { plugin, client } = await controlled(
      { PACKER_SDK_CONTROL_BREAK: 'wait-here' },
      { marker_file: marker },
    );
    const watched = watch(client);
    const run = plugin.builder.run(new MockUi());
    run.catch(() => undefined); // examined below
    await watched.until(pausedAt('wait-here'));
    await plugin.builder.cancel();
    expect(String(await rejection(run))).to.contain('Build was cancelled.');
    expect(readFileSync(marker, 'utf8')).to.equal('prepare\n');
  });

  it('pauses after a failing step with #error, before cleanup, then lets the failure stand', async () => {
    const marker = join(tempDir('marker'), 'cleanups.txt');
    const { plugin, client } = await controlled(
      { PACKER_SDK_CONTROL_BREAK: '#error' },
      { marker_file: marker, fail_at: 'write' },
    );
    const watched = watch(client);
    const run = plugin.builder.run(new MockUi());
    run.catch(() => undefined); // examined below
    await watched.until(pausedAt('finish/write'));
    const paused = watched.events.find(pausedAt('finish/write'));
    expect(paused?.event === 'engine' && paused.engine.reason).to.equal('error');
    expect(existsSync(marker)).to.equal(false);
    const failed = watched.events.find(
      (e) => e.event === 'engine' && e.engine.type === 'step.finished' && e.engine.result === 'failed',
    );
    expect(failed).to.equal(undefined);
    await client.resume();
    expect(String(await rejection(run))).to.contain('write failed on purpose');
    expect(readFileSync(marker, 'utf8')).to.equal('write\nwait-here\nprepare\n');
  });

  it('answers Graph for any config without running anything', async () => {
    const { client } = await controlled({});
    expect((await client.graph([{}])).steps).to.not.include('extra');
    const graph = await client.graph([{ extra_step: true, packer_build_name: 'nightly' }]);
    expect(graph.name).to.equal('nightly');
    expect(graph.steps.at(-1)).to.equal('extra');
    expect(graph.dot).to.match(/^digraph "nightly"/);
    expectCode(await rejection(client.graph([{ nonsense: 1 }])), 'PKR_ERR_CONFIG_INVALID');
  });

  it('refuses commands that need a pause or a build, with their codes', async () => {
    const { client } = await controlled({});
    expectCode(await rejection(client.resume()), 'PKR_ERR_CONTROL_NOT_PAUSED');
    expectCode(await rejection(client.stepOver()), 'PKR_ERR_CONTROL_NOT_PAUSED');
    expectCode(await rejection(client.cancel()), 'PKR_ERR_CONTROL_NO_BUILD');
    expectCode(
      await rejection(client.setBreakpoints({ steps: ['a.b'], onError: false, onStart: false })),
      'PKR_ERR_CONTROL_BREAKPOINT',
    );
    expect((await client.getState()).running).to.equal(false);
  });

  it('serves TCP on loopback and checks the token on every call when one is set', async () => {
    const plugin = await startObserved({
      PACKER_SDK_CONTROL: 'tcp:127.0.0.1:0',
      PACKER_SDK_CONTROL_TOKEN: 's3cret-token',
    });
    await plugin.builder.prepare([{}]);
    const line = await plugin.waitForStderr(/build control listening/);
    const address = /address=(tcp:127\.0\.0\.1:\d+)/.exec(line)![1]!;
    const anonymous = connectBuildControl(address, { token: '' });
    const wrong = connectBuildControl(address, { token: 'guess' });
    const right = connectBuildControl(address, { token: 's3cret-token' });
    clients.push(anonymous, wrong, right);
    expectCode(await rejection(anonymous.getState()), 'PKR_ERR_CONTROL_UNAUTHENTICATED');
    expectCode(await rejection(wrong.resume()), 'PKR_ERR_CONTROL_UNAUTHENTICATED');
    const watched = anonymous.watch(() => undefined);
    expectCode(await rejection(watched.done), 'PKR_ERR_CONTROL_UNAUTHENTICATED');
    expect((await right.getState()).running).to.equal(false);
  });

  it('refuses a non-loopback address without a token, and the build runs without control', async () => {
    const plugin = await startObserved({ PACKER_SDK_CONTROL: 'tcp:0.0.0.0:0' });
    await plugin.builder.prepare([{}]);
    await plugin.builder.run(new MockUi());
    expect(plugin.stderr().join('\n')).to.match(
      /\[ERROR\] build control not started: \[PKR_ERR_CONTROL_ADDRESS\] refusing to serve build control on 0\.0\.0\.0/,
    );
  });

  it('clears the leftover of a killed plugin, and refuses a path a live build serves', async () => {
    const dir = tempDir('stale');
    const socket = join(dir, 'build.sock');
    const leftover = join(dir, `${PRIVATE_DIR_PREFIX}old`);
    mkdirSync(leftover, { mode: 0o700 });
    writeFileSync(join(leftover, 'placeholder'), '');
    symlinkSync(join(leftover, 'control.sock'), socket);
    const plugin = await startObserved({ PACKER_SDK_CONTROL: socket });
    await plugin.builder.prepare([{}]);
    expect(existsSync(leftover)).to.equal(false);
    expect(readlinkSync(socket)).to.not.contain(leftover);

    const busy = join(dir, 'busy.sock');
    const server: Server = await new Promise((resolve) => {
      const s = createServer().listen(busy, () => resolve(s));
    });
    try {
      const second = await startObserved({ PACKER_SDK_CONTROL: busy });
      await second.builder.prepare([{}]);
      await second.builder.run(new MockUi());
      expect(second.stderr().join('\n')).to.match(
        /\[PKR_ERR_CONTROL_LISTEN\] .*busy\.sock is in use by another running build/,
      );
    } finally {
      server.close();
    }
  });
});
