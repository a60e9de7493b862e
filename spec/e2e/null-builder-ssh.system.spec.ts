import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPacker } from '../support/packer.js';
import { bundlePlugin, fixturePlugin, installLauncher, tempDir } from '../support/plugin-bundle.js';
import { startSshdOrSkip, type Sshd } from '../support/sshd.js';
import { requireTool } from '../support/tools.js';

/**
 * TS provisioner and post-processor with Packer's own Go `null` builder: the provisioner runs
 * commands through the SSH communicator *core* serves (to a real OpenSSH sshd on loopback), the
 * post-processor receives the Go builder's artifact.
 */
describe('e2e: TS provisioner and post-processor with Packer’s null builder over SSH', function () {
  this.timeout(120_000);
  let sshd: Sshd;
  let pluginDir: string;

  before(async function () {
    requireTool(this, 'packer', 'packer');
    sshd = await startSshdOrSkip(this);
    pluginDir = tempDir('null-plugins');
    installLauncher(pluginDir, 'packer-plugin-contract', await bundlePlugin(fixturePlugin('contract')));
  });
  after(async () => sshd?.stop());

  const nullBuilder = (): Record<string, unknown> => ({
    type: 'null',
    communicator: 'ssh',
    ssh_host: sshd.host,
    ssh_port: sshd.port,
    ssh_username: sshd.username,
    ssh_private_key_file: sshd.userKey.privateKeyPath,
  });

  async function build(file: string, text: string) {
    const work = tempDir('null');
    writeFileSync(join(work, file), text);
    return runPacker(['build', file], { cwd: work, pluginPath: pluginDir });
  }

  it('JSON: streams the remote command output and post-processes the Go artifact', async () => {
    const run = await build(
      't.json',
      JSON.stringify({
        builders: [nullBuilder()],
        provisioners: [
          {
            type: 'contract-provisioner',
            command: 'echo over ssh as $(id -un); echo to-stderr >&2; echo id={{ build `ID` }}',
          },
          { type: 'contract-provisioner', command: 'exit 7', expect_status: 7 },
        ],
        'post-processors': [{ type: 'contract-post-processor', suffix: '-ts' }],
      }),
    );
    const out = run.stdout + run.stderr;
    expect(run.code, out).to.equal(0);
    expect(out).to.contain(`over ssh as ${sshd.username}`);
    expect(out).to.contain('stderr: to-stderr');
    expect(out).to.contain('id=Null');
    expect(out).to.contain('post-processing Null from fnoeding.null');
    expect(out).to.contain('processed Null');
  });

  it('HCL2: the same, with build.ID resolved by core', async () => {
    const b = nullBuilder();
    const run = await build(
      't.pkr.hcl',
      `source "null" "n" {
  communicator         = "ssh"
  ssh_host             = "${String(b.ssh_host)}"
  ssh_port             = ${String(b.ssh_port)}
  ssh_username         = "${String(b.ssh_username)}"
  ssh_private_key_file = "${String(b.ssh_private_key_file)}"
}
build {
  sources = ["source.null.n"]
  provisioner "contract-provisioner" { command = "echo hcl over ssh id=\${build.ID}" }
  post-processor "contract-post-processor" { suffix = "-hcl" }
}
`,
    );
    const out = run.stdout + run.stderr;
    expect(run.code, out).to.equal(0);
    expect(out).to.contain('hcl over ssh id=Null');
    expect(out).to.contain('processed Null');
  });

  it('fails the build with the remote exit status a TS provisioner reports', async () => {
    const run = await build(
      'f.json',
      JSON.stringify({
        builders: [nullBuilder()],
        provisioners: [{ type: 'contract-provisioner', command: 'exit 42' }],
      }),
    );
    expect(run.code).to.equal(1);
    expect(run.stdout + run.stderr).to.contain('command exited with 42, expected 0');
  });
});
