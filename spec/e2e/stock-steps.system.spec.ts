import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPacker } from '../support/packer.js';
import { bundlePlugin, fixturePlugin, installLauncher, tempDir } from '../support/plugin-bundle.js';
import { requireTool } from '../support/tools.js';

/**
 * Stock steps under real Packer 1.6.6: a TS builder serves `http_content`, renders a boot
 * command with `{{ .HTTPIP }}:{{ .HTTPPort }}` and types it; the "machine" runs what was
 * typed and a provisioner fetches the file over HTTP from the served address.
 */
describe('e2e: HTTP server + boot command + provisioning under real packer', function () {
  this.timeout(120_000);

  it('serves http_content to the booting machine and to provisioners', async function () {
    requireTool(this, 'packer', 'packer');
    requireTool(this, 'curl', 'curl');
    const plugins = tempDir('boot-plugins');
    installLauncher(plugins, 'packer-plugin-boot', await bundlePlugin(fixturePlugin('boot')));
    const work = tempDir('boot');
    writeFileSync(
      join(work, 't.json'),
      JSON.stringify({
        builders: [
          {
            type: 'boot-builder',
            work_dir: work,
            http_content: { '/ks.cfg': 'kickstart served by the TS builder' },
            http_bind_address: '127.0.0.1',
            boot_wait: '-1s', // "0s" would mean Packer's default of 10 s
            boot_key_interval: '1ms',
            boot_command: [
              'curl -sf http://{{ .HTTPIP }}:{{ .HTTPPort }}/ks.cfg -o fetched-at-boot.txt<enter>',
              'echo {{ .Name }} >> typed-name.txt<enter>',
            ],
          },
        ],
        provisioners: [
          {
            type: 'shell',
            inline: [
              'sh typed.sh',
              'cat fetched-at-boot.txt; echo',
              'curl -sf http://{{ build `PackerHTTPAddr` }}/ks.cfg; echo',
            ],
          },
        ],
      }),
    );
    const run = await runPacker(['build', 't.json'], { cwd: work, pluginPath: plugins });
    const out = run.stdout + run.stderr;
    expect(run.code, out).to.equal(0);
    const typed = readFileSync(join(work, 'typed.sh'), 'utf8');
    expect(typed).to.match(/^curl -sf http:\/\/127\.0\.0\.1:\d+\/ks\.cfg -o fetched-at-boot\.txt\n/);
    expect(readFileSync(join(work, 'fetched-at-boot.txt'), 'utf8')).to.equal(
      'kickstart served by the TS builder',
    );
    expect(readFileSync(join(work, 'typed-name.txt'), 'utf8')).to.equal('boot-vm\n');
    expect(out.match(/kickstart served by the TS builder/g)).to.have.length(2);
  });
});
