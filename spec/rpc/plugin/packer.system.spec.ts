import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPacker } from '../../support/packer.js';
import { bundlePlugin, fixturePlugin, installLauncher, tempDir } from '../../support/plugin-bundle.js';
import { requireTool } from '../../support/tools.js';

/**
 * The transport proven against the real Packer 1.6.6 binary: a TS builder installed as a
 * legacy `packer-builder-*` and as a multi-component `packer-plugin-*`, for JSON and HCL2.
 */
describe('rpc/plugin under real packer 1.6.6', function () {
  this.timeout(120_000);
  let bundle: string;
  let pluginDir: string;
  let work: string;

  before(async function () {
    requireTool(this, 'packer', 'packer');
    bundle = await bundlePlugin(fixturePlugin('smoke'));
    pluginDir = tempDir('plugins');
    installLauncher(pluginDir, 'packer-builder-smoke', bundle);
    installLauncher(pluginDir, 'packer-plugin-smk', bundle);
    work = tempDir('work');
  });

  /** Runs packer with a private TMPDIR, so leftovers of the plugin processes are visible. */
  async function packer(args: string[], env: NodeJS.ProcessEnv = {}) {
    const tmp = join(work, `tmp-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    mkdirSync(tmp);
    const run = await runPacker(args, { cwd: work, pluginPath: pluginDir, env: { TMPDIR: tmp, ...env } });
    return { ...run, leftovers: readdirSync(tmp) };
  }

  it('builds a JSON template with the legacy single-component binary', async () => {
    writeFileSync(
      join(work, 'legacy.json'),
      JSON.stringify({ builders: [{ type: 'smoke', message: 'hello from TypeScript', repeat: 2 }] }),
    );
    const run = await packer(['build', 'legacy.json']);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout.match(/==> smoke: hello from TypeScript/g)).to.have.length(2);
    expect(run.stdout).to.contain('--> smoke: said "hello from TypeScript" 2 time(s)');
    expect(run.leftovers, 'sockets or temp files left behind').to.deep.equal([]);
  });

  it('builds an HCL2 template with the multi-component binary (ConfigSpec in gob)', async () => {
    writeFileSync(
      join(work, 'multi.pkr.hcl'),
      'source "smk-smoke" "x" {\n  message = "hello from HCL2"\n  repeat  = 3\n}\nbuild { sources = ["source.smk-smoke.x"] }\n',
    );
    const run = await packer(['build', 'multi.pkr.hcl']);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout.match(/==> smk-smoke.x: hello from HCL2/g)).to.have.length(3);
    expect(run.leftovers).to.deep.equal([]);
  });

  it('shows every Prepare problem with its field path and a did-you-mean', async () => {
    writeFileSync(
      join(work, 'bad.json'),
      JSON.stringify({ builders: [{ type: 'smoke', mesage: 'x', repeat: 'many' }] }),
    );
    const run = await packer(['validate', 'bad.json']);
    expect(run.code).to.equal(1);
    const out = run.stdout + run.stderr;
    expect(out).to.contain('* mesage: unknown field (did you mean "message"?)');
    expect(out).to.contain('* message: is required');
    expect(out).to.contain('* repeat: expected an integer, got string "many"');
  });

  it('reports HCL2 type errors from Packer itself against our ConfigSpec', async () => {
    writeFileSync(
      join(work, 'bad.pkr.hcl'),
      'source "smk-smoke" "x" {\n  message = "m"\n  colour = "red"\n}\nbuild { sources = ["source.smk-smoke.x"] }\n',
    );
    const run = await packer(['validate', 'bad.pkr.hcl']);
    expect(run.code).to.equal(1);
    expect(run.stdout + run.stderr).to.match(/colour/);
  });

  it('chooses the 3-field handshake by recognising Packer 1.6 from its executable', async () => {
    writeFileSync(join(work, 'log.json'), JSON.stringify({ builders: [{ type: 'smoke', message: 'm' }] }));
    const run = await packer(['build', 'log.json'], { PACKER_LOG: '1' });
    expect(run.code).to.equal(0);
    expect(run.stderr).to.match(/handshake: legacy \(\/usr\/bin\/packer embeds its own plugin SDK/);
    expect(run.stderr).to.contain('Received unix RPC address');
  });

  it('leaves no plugin process behind', async () => {
    const running = execFileSync('ps', ['-eo', 'args']).toString();
    expect(running).not.to.contain(bundle);
  });
});
