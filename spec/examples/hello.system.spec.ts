import { expect } from 'chai';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPacker } from '../support/packer.js';
import { bundlePlugin, examplePath, installLauncher, tempDir } from '../support/plugin-bundle.js';
import { requireTool } from '../support/tools.js';

/** The guide's "builder in 30 lines" (examples/hello), built and run exactly as documented. */
describe('examples/hello under real packer', function () {
  this.timeout(120_000);

  it('builds the HCL2 template from docs/guide.md', async function () {
    requireTool(this, 'packer', 'packer');
    const bundle = await bundlePlugin(examplePath('hello/main.ts'));
    const plugins = tempDir('hello-plugins');
    installLauncher(plugins, 'packer-plugin-hello', bundle);
    const work = tempDir('hello');
    copyFileSync(examplePath('hello/hello.pkr.hcl'), join(work, 'hello.pkr.hcl'));
    const run = await runPacker(['build', 'hello.pkr.hcl'], { cwd: work, pluginPath: plugins });
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout).to.contain('Hello from TypeScript, writing greeting.txt');
    expect(run.stdout).to.contain('generated data says: Hello from TypeScript');
    expect(readFileSync(join(work, 'greeting.txt'), 'utf8')).to.equal('Hello from TypeScript\n');
  });
});
