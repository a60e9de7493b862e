import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectBuildControl, type BuildControlClient } from '../../observability/control-client.js';
import type { BuildEventMessage } from '../../observability/control-messages.js';
import { waitForPath } from '../../observability/wait-for-path.js';
import { runPacker, type PackerRun } from '../support/packer.js';
import { bundlePlugin, fixturePlugin, installLauncher, tempDir } from '../support/plugin-bundle.js';
import { requireTool } from '../support/tools.js';

const PASSWORD = 'correct-horse-battery';

/**
 * Acceptance: the build-control service of a plugin that the real Packer 1.6.6 runs. A gRPC
 * client connects while `packer build` is running, stops the build at a named step, reads the
 * redacted state, and resumes it to the end — or cancels it there, as Packer's Cancel would.
 */
describe('e2e: build control under real packer 1.6.6', function () {
  this.timeout(180_000);
  let pluginDir: string;
  const clients: BuildControlClient[] = [];

  before(async function () {
    requireTool(this, 'packer', 'packer');
    pluginDir = tempDir('control-plugins');
    installLauncher(pluginDir, 'packer-plugin-observed', await bundlePlugin(fixturePlugin('observed')));
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));

  interface ControlledBuild {
    readonly socket: string;
    readonly work: string;
    readonly packer: () => ChildProcess;
    readonly run: Promise<PackerRun>;
    readonly client: BuildControlClient;
    readonly events: BuildEventMessage[];
    pausedAt(path: string): Promise<BuildEventMessage>;
  }

  async function startBuild(config: Record<string, unknown>, breakAt: string): Promise<ControlledBuild> {
    const work = tempDir('control');
    const tmp = join(work, 'tmp');
    mkdirSync(tmp);
    const socket = join(work, 'control.sock');
    writeFileSync(
      join(work, 'template.json'),
      JSON.stringify({ builders: [{ type: 'observed-builder', password: PASSWORD, ...config }] }),
    );
    let child: ChildProcess | undefined;
    const run = runPacker(['build', 'template.json'], {
      cwd: work,
      pluginPath: pluginDir,
      env: { TMPDIR: tmp, PACKER_SDK_CONTROL: socket, PACKER_SDK_CONTROL_BREAK: breakAt },
      onStart: (c) => (child = c),
    });
    // The plugin publishes the socket once it serves it; a build that dies first fails here.
    const gone = new AbortController();
    const early = run.then((r) => {
      gone.abort();
      throw new Error(`packer ended before the control socket appeared:\n${r.stdout}\n${r.stderr}`);
    });
    early.catch(() => undefined);
    await Promise.race([waitForPath(socket, gone.signal), early]);

    const client = connectBuildControl(socket);
    clients.push(client);
    const events: BuildEventMessage[] = [];
    const waiters: { path: string; resolve: (e: BuildEventMessage) => void }[] = [];
    const isPause = (e: BuildEventMessage, path: string): boolean =>
      e.event === 'engine' && e.engine.type === 'paused' && e.engine.path.join('/') === path;
    client.watch((event) => {
      events.push(event);
      for (const w of [...waiters]) {
        if (isPause(event, w.path)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    });
    return {
      socket,
      work,
      packer: () => child!,
      run,
      client,
      events,
      pausedAt: (path) => {
        const seen = events.find((e) => isPause(e, path));
        return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ path, resolve }));
      },
    };
  }

  it('pauses at a breakpoint while Packer waits, shows masked state, and resumes to a finished build', async () => {
    const build = await startBuild({ message: 'via packer' }, '#start');
    await build.pausedAt('prepare');
    await build.client.setBreakpoints({ steps: ['wait-here'], onError: false, onStart: false });
    await build.client.resume();

    const paused = await build.pausedAt('wait-here');
    expect(paused.event === 'engine' && paused.engine.reason).to.equal('breakpoint');
    expect(build.packer().exitCode).to.equal(null);
    const state = await build.client.getState();
    expect(state.running).to.equal(true);
    const token = state.entries.find((e) => e.key === 'api_token');
    expect(token).to.deep.include({ sensitive: true, masked: true, json: '', summary: '<sensitive>' });
    const endpoint = state.entries.find((e) => e.key === 'endpoint');
    expect(endpoint).to.deep.include({ masked: true, json: '"https://admin:<sensitive>@example.test/"' });
    expect(JSON.stringify(state)).not.to.contain(PASSWORD);

    await build.client.resume();
    const run = await build.run;
    const output = run.stdout + run.stderr;
    expect(run.code, output).to.equal(0);
    expect(run.stdout).to.contain('observed-builder: connecting with <sensitive>');
    expect(run.stdout).to.contain("Build 'observed-builder' finished");
    expect(output).not.to.contain(PASSWORD);
    // The socket goes with the build.
    expect(existsSync(build.socket)).to.equal(false);
    expect(() => lstatSync(build.socket)).to.throw();
    const graph = build.events[0];
    expect(graph?.event).to.equal('graph');
  });

  it('cancels at the breakpoint: cleanup runs and Packer reports the cancellation', async () => {
    const marker = join(tempDir('control-marker'), 'cleanups.txt');
    const build = await startBuild({ marker_file: marker }, 'wait-here');
    await build.pausedAt('wait-here');
    expect(build.packer().exitCode).to.equal(null);
    await build.client.cancel('stopped at the breakpoint');
    const run = await build.run;
    const output = run.stdout + run.stderr;
    expect(run.code, output).to.equal(1);
    expect(output).to.match(/Build 'observed-builder' errored.*Build was cancelled\./);
    // prepare had run, so it was cleaned up; wait-here never started, so it had nothing to undo.
    expect(readFileSync(marker, 'utf8')).to.equal('prepare\n');
    expect(existsSync(build.socket)).to.equal(false);
  });
});
