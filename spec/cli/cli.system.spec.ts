import { expect } from 'chai';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPacker } from '../../acctest/run-packer.js';
import { goArch, goOs } from '../../cli/release-name.js';
import { requireTool } from '../support/tools.js';
import { example, runCli, scratchDir } from './helpers.js';

/**
 * The packaging CLI end to end, as a plugin author runs it: build examples/hello, release it,
 * install it in Packer 1.6's layouts and run the guide's template with real packer through the
 * acctest kit.
 */
describe('packer-plugin-sdk CLI with examples/hello under real packer', function () {
  this.timeout(180_000);
  const work = scratchDir('e2e');
  const env = { PACKER_SDK_CACHE_DIR: join(work, 'cache') };
  const dist = join(work, 'dist');
  const artifact = `packer-plugin-hello_v0.1.0_x5.0_${goOs()}_${goArch()}`;

  before(function () {
    requireTool(this, 'packer', 'packer');
  });

  async function buildTemplate(pluginPath: string, name: string): Promise<void> {
    const cwd = scratchDir(name);
    copyFileSync(example('hello/hello.pkr.hcl'), join(cwd, 'hello.pkr.hcl'));
    const run = await runPacker(['build', '-machine-readable', 'hello.pkr.hcl'], {
      cwd,
      pluginPath,
      env,
      logFile: join(cwd, 'packer.log'),
    });
    expect(run.exitCode, `${run.output}\n${readFileSync(join(cwd, 'packer.log'), 'utf8')}`).to.equal(0);
    expect(run.artifacts).to.deep.equal([
      {
        target: 'hello-file.greeting',
        index: 0,
        builderId: 'example.hello',
        id: 'greeting.txt',
        string: 'example.hello artifact',
        files: ['greeting.txt'],
        nil: false,
      },
    ]);
    expect(run.ui.map((u) => u.text)).to.include(
      '    hello-file.greeting: generated data says: Hello from TypeScript',
    );
    expect(readFileSync(join(cwd, 'greeting.txt'), 'utf8')).to.equal('Hello from TypeScript\n');
  }

  it('builds the plugin: a launcher and its bundle', async () => {
    const built = await runCli(['build', example('hello/main.ts'), '--out', dist]);
    expect(built.code, built.stderr).to.equal(0);
    expect(built.stdout).to.equal(`${join(dist, 'packer-plugin-hello')}\n`);
    expect(readdirSync(dist).sort()).to.deep.equal(['hello.bundle', 'packer-plugin-hello']);
  });

  it('releases it: the versioned single file, _SHA256SUM, zip and _SHA256SUMS', async () => {
    const released = await runCli(
      ['release', 'dist/packer-plugin-hello', '--version', '0.1.0', '--zip'],
      work,
      env,
    );
    expect(released.code, released.stderr).to.equal(0);
    expect(released.stdout.trim().split('\n')).to.deep.equal([
      `dist/release/${artifact}`,
      `dist/release/${artifact}_SHA256SUM`,
      `dist/release/${artifact}.zip`,
      'dist/release/packer-plugin-hello_v0.1.0_SHA256SUMS',
    ]);
    const wrong = await runCli(['release', 'dist/packer-plugin-hello', '--version', '0.2.0'], work, env);
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.contain('[PKR_ERR_CLI_VERSION_MISMATCH]');
  });

  it('runs under Packer 1.6 from single-component files (packer-builder-hello-file)', async () => {
    const plugins = join(work, 'legacy');
    const installed = await runCli(
      ['install-legacy', 'dist/packer-plugin-hello', '--dir', plugins, '--no-multi'],
      work,
      env,
    );
    expect(installed.code, installed.stderr).to.equal(0);
    expect(installed.stdout, 'paths under the working directory print relative').to.equal(
      'legacy/packer-builder-hello-file\n',
    );
    await buildTemplate(plugins, 'legacy-build');
  });

  it('runs under Packer 1.6 from the released single file as packer-plugin-hello', async () => {
    const plugins = join(work, 'multi');
    const installed = await runCli(
      ['install-legacy', `dist/release/${artifact}`, '--dir', plugins, '--no-singles'],
      work,
      env,
    );
    expect(installed.code, installed.stderr).to.equal(0);
    expect(readdirSync(plugins)).to.deep.equal(['packer-plugin-hello']);
    await buildTemplate(plugins, 'multi-build');
  });

  it('writes the reference docs of the builder', async () => {
    const docs = await runCli(['docs', example('hello/main.ts'), '--out', join(work, 'docs')]);
    expect(docs.code, docs.stderr).to.equal(0);
    const page = readFileSync(join(work, 'docs', 'builders', 'file.md'), 'utf8');
    expect(page).to.contain('| `greeting` | string | no | `"Hello"` | What to write. |');
    expect(page).to.contain('| `output` | string | **yes** |  | The file to write. |');
  });
});
