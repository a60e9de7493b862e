import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hasTool, requireTool } from '../support/tools.js';
import { repoFile, run, runCli, scratchDir, type Ran } from './helpers.js';

/**
 * npm with a clean environment: no loader of ours leaks into the scaffold's processes, and the
 * acceptance gate is only what each case asks for (`make test` exports PACKER_ACC=1 to us).
 * `run` layers this over process.env, so blanking is how a variable is taken away.
 */
function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  const clean = { NODE_OPTIONS: '', PACKER_ACC: '', ...env };
  return run('npm', args, { ...clean, npm_config_update_notifier: 'false' }, cwd);
}

/**
 * `packer-plugin-sdk init` makes a plugin that passes its own `npm test` right away: installed
 * with this SDK through its `file:` dependency (which needs the SDK compiled to dist/, as
 * `make build` does), its step specs pass, its acceptance spec skips without PACKER_ACC and
 * passes against real packer with it, and it type-checks.
 */
describe('init scaffold passes its own npm test', function () {
  this.timeout(600_000);
  const dir = join(scratchDir('scaffold'), 'packer-plugin-acme');

  before(async function () {
    if (!hasTool('npm')) {
      console.log('      skipped: npm is not installed');
      this.skip();
    }
    // The scaffold imports packer-plugin-sdk and runs its bin from dist/: compile it as `make build` does.
    const tsc = await run(process.execPath, [
      repoFile('node_modules/typescript/bin/tsc'),
      '-p',
      repoFile('tsconfig.build.json'),
    ]);
    for (const file of [
      'dist/cli/bin.js',
      'dist/acctest/index.js',
      'dist/testing/index.js',
      'dist/index.d.ts',
    ]) {
      expect(existsSync(repoFile(file)), `${file} after tsc:\n${tsc.stdout}`).to.equal(true);
    }
    const init = await runCli(['init', dir]);
    expect(init.code, init.stderr).to.equal(0);
    const install = await npm(['install', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    expect(install.code, install.stdout + install.stderr).to.equal(0);
  });

  it('passes npm test, the acceptance spec skipped with its reason', async () => {
    const test = await npm(['test'], dir);
    expect(test.code, test.stdout + test.stderr).to.equal(0);
    expect(test.stdout).to.contain('4 passing');
    expect(test.stdout).to.contain('1 pending');
    expect(test.stdout).to.contain('skipped: acceptance tests run only with PACKER_ACC=1');
  });

  it('type-checks', async () => {
    const tsc = await npm(['run', 'typecheck'], dir);
    expect(tsc.code, tsc.stdout + tsc.stderr).to.equal(0);
  });

  it('passes its acceptance spec against real packer with PACKER_ACC=1', async function () {
    requireTool(this, 'packer', 'packer');
    const test = await npm(['test'], dir, { PACKER_ACC: '1', PACKER_SDK_CACHE_DIR: join(dir, '.cache') });
    expect(test.code, test.stdout + test.stderr).to.equal(0);
    expect(test.stdout).to.contain('5 passing');
    expect(test.stdout).not.to.contain('pending');
  });

  it('builds with the installed bin', async () => {
    const build = await npm(['run', 'build'], dir);
    expect(build.code, build.stdout + build.stderr).to.equal(0);
    expect(existsSync(join(dir, 'dist', 'packer-plugin-acme'))).to.equal(true);
  });
});
