import { expect } from 'chai';
import { copyFileSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runPacker } from '../../acctest/run-packer.js';
import { buildPlugin } from '../../cli/build.js';
import type { BuiltPlugin } from '../../cli/built-plugin.js';
import { installLegacy } from '../../cli/install-legacy.js';
import { releasePlugin } from '../../cli/release.js';
import { goArch } from '../../cli/release-name.js';
import { isSdkError } from '../../errors/index.js';
import { requireTool } from '../support/tools.js';
import { example, firstLine, fixture, run, scratchDir } from './helpers.js';

interface Probe {
  argv: string[];
  argv0: string;
  execPath: string;
  invoked: string;
}

/**
 * Node single executables (`build --sea`): what argv looks like inside one (rpc/plugin's
 * invoked-name logic depends on it), and the hello example under real packer from one.
 */
describe('single executables (build --sea)', function () {
  this.timeout(300_000);
  const cache = scratchDir('sea-cache');
  const env = { PACKER_SDK_CACHE_DIR: cache, PACKER_SDK_NODE: process.execPath };
  let probe: BuiltPlugin;

  before(async function () {
    if (process.platform !== 'linux') {
      console.log('      skipped: single executables are made on Linux only');
      this.skip();
    }
    probe = await buildPlugin({ entry: fixture('probe.ts'), out: scratchDir('sea-probe'), sea: true });
  });

  async function argvOf(file: string, args: string[] = [], cwd?: string): Promise<Probe> {
    const ran = await run(file, args, { ...env, PROBE_ARGV: '1' }, cwd);
    expect(ran.code, ran.stderr).to.equal(0);
    return JSON.parse(ran.stdout) as Probe;
  }

  it('is a copy of this Node binary carrying the bundle, recognised as an executable', () => {
    expect(probe).to.deep.include({
      kind: 'executable',
      name: 'probe',
      platform: { os: 'linux', arch: goArch() },
    });
    expect(statSync(probe.path).mode & 0o111).to.equal(0o111);
    expect(statSync(probe.path).size).to.be.greaterThan(statSync(process.execPath).size);
  });

  it('puts the name it was started as in argv[1] (not execPath), and the arguments after it', async () => {
    const direct = await argvOf(probe.path, ['describe', '--protobuf']);
    expect(direct.execPath).to.equal(probe.path);
    expect(direct.argv).to.deep.equal([probe.path, probe.path, 'describe', '--protobuf']);
    expect(direct.invoked).to.equal(probe.path);

    const dir = join(probe.path, '..');
    const relative = await argvOf('./packer-plugin-probe', [], dir);
    expect(relative.argv).to.deep.equal([probe.path, './packer-plugin-probe']);
    expect(relative.argv0).to.equal('./packer-plugin-probe');
    expect(relative.invoked).to.equal('./packer-plugin-probe');

    const link = join(dir, 'packer-builder-probe-x');
    symlinkSync('packer-plugin-probe', link);
    const linked = await argvOf(link);
    // execPath is the resolved binary; argv[1] and argv0 keep the symlink Packer ran.
    expect(linked).to.deep.equal({
      argv: [probe.path, link],
      argv0: link,
      execPath: probe.path,
      invoked: link,
    });
    const started = await firstLine(link, [], env);
    expect(started.line, started.stderr).to.match(/^5\|unix\|\/.+$/);
  });

  it('unpacks its bundle once into the cache, keyed by the bundle hash', async () => {
    await argvOf(probe.path);
    const entries = readdirSync(cache).filter((d) => d.startsWith('probe-'));
    expect(entries).to.have.length(1);
    expect(readFileSync(join(cache, entries[0]!, 'package.json'), 'utf8')).to.equal('{"type":"module"}\n');
  });

  it('releases as a copy of itself and refuses a foreign architecture', async () => {
    const out = scratchDir('sea-release');
    const result = await releasePlugin({
      plugin: probe.path,
      version: '0.2.0',
      out,
      env: { ...process.env, ...env },
    });
    expect(readFileSync(result.artifact).equals(readFileSync(probe.path))).to.equal(true);
    let error: unknown;
    try {
      await releasePlugin({
        plugin: probe.path,
        version: '0.2.0',
        arch: goArch() === 'arm64' ? 'amd64' : 'arm64',
        out,
      });
    } catch (err) {
      error = err;
    }
    expect(isSdkError(error, 'PKR_ERR_CLI_PLATFORM'), String(error)).to.equal(true);
  });

  it('runs examples/hello under Packer 1.6 as a packer-builder-hello-file symlink', async function () {
    requireTool(this, 'packer', 'packer');
    const built = await buildPlugin({
      entry: example('hello/main.ts'),
      out: scratchDir('sea-hello'),
      sea: true,
    });
    const plugins = scratchDir('sea-plugins');
    const installed = await installLegacy({
      plugin: built.path,
      dir: plugins,
      multi: false,
      env: { ...process.env, ...env },
    });
    expect(installed.files).to.deep.equal([join(plugins, 'packer-builder-hello-file')]);
    expect(readlinkSync(join(plugins, 'packer-builder-hello-file'))).to.equal('hello.plugin');
    const cwd = scratchDir('sea-work');
    copyFileSync(example('hello/hello.pkr.hcl'), join(cwd, 'hello.pkr.hcl'));
    const ran = await runPacker(['build', '-machine-readable', 'hello.pkr.hcl'], {
      cwd,
      pluginPath: plugins,
      env,
    });
    expect(ran.exitCode, ran.output).to.equal(0);
    expect(ran.artifacts.map((a) => [a.builderId, a.files])).to.deep.equal([
      ['example.hello', ['greeting.txt']],
    ]);
    expect(readFileSync(join(cwd, 'greeting.txt'), 'utf8')).to.equal('Hello from TypeScript\n');
  });
});
