import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPacker } from '../support/packer.js';
import { bundlePlugin, examplePath, installLauncher, tempDir } from '../support/plugin-bundle.js';
import { startSshdOrSkip, type Sshd } from '../support/sshd.js';
import { requireTool } from '../support/tools.js';

/**
 * The example's `ssh` builder under real Packer, against a real OpenSSH sshd on loopback:
 * Packer's own shell and file provisioners run through the TS builder's SSH communicator
 * (binary payloads, a 64 MiB upload, directories both ways, exit codes), and artifact_paths
 * are downloaded as the artifact.
 */
describe('examples/packer-plugin-debian ssh builder under real packer', function () {
  this.timeout(300_000);
  let sshd: Sshd;
  let plugins: string;

  before(async function () {
    requireTool(this, 'packer', 'packer');
    sshd = await startSshdOrSkip(this);
    plugins = tempDir('ssh-plugins');
    installLauncher(
      plugins,
      'packer-plugin-debian',
      await bundlePlugin(examplePath('packer-plugin-debian/main.ts')),
    );
  });
  after(async () => sshd?.stop());

  const source = () => ({
    type: 'debian-ssh',
    ssh_host: sshd.host,
    ssh_port: sshd.port,
    ssh_username: sshd.username,
    ssh_private_key_file: sshd.userKey.privateKeyPath,
  });

  it('runs Packer’s shell and file provisioners over SSH and downloads the artifact files', async () => {
    const work = tempDir('ssh-build');
    const remote = join(work, 'remote');
    mkdirSync(join(remote, 'tree'), { recursive: true });
    const payload = randomBytes(64 * 1024 * 1024);
    payload[0] = 0xc3; // an invalid UTF-8 start
    payload[1] = 0x28;
    writeFileSync(join(work, 'blob.bin'), payload);
    mkdirSync(join(work, 'dir/sub'), { recursive: true });
    writeFileSync(join(work, 'dir/a.txt'), 'A');
    writeFileSync(join(work, 'dir/sub/b.bin'), Buffer.from([0, 255]));
    writeFileSync(
      join(work, 't.json'),
      JSON.stringify({
        builders: [
          { ...source(), artifact_paths: [join(remote, 'report.txt')], output_directory: join(work, 'out') },
        ],
        provisioners: [
          {
            type: 'shell',
            inline: [
              `echo over ssh as $(id -un) > ${join(remote, 'report.txt')}`,
              'echo host={{ build `Host` }} user={{ build `User` }}',
            ],
          },
          { type: 'file', source: join(work, 'blob.bin'), destination: join(remote, 'blob.bin') },
          { type: 'file', source: join(work, 'dir/'), destination: join(remote, 'tree') },
          {
            type: 'file',
            source: join(remote, 'tree/sub/b.bin'),
            destination: join(work, 'back.bin'),
            direction: 'download',
          },
          { type: 'shell', inline: ['exit 1'], valid_exit_codes: [1] },
          { type: 'shell', inline: ['no-such-command-xyz'], valid_exit_codes: [127] },
        ],
      }),
    );
    const run = await runPacker(['build', 't.json'], { cwd: work, pluginPath: plugins, timeoutMs: 240_000 });
    const out = run.stdout + run.stderr;
    expect(run.code, out).to.equal(0);
    expect(out).to.contain('Connected to SSH!');
    expect(out).to.contain(`host=${sshd.host} user=${sshd.username}`);
    expect(readFileSync(join(remote, 'blob.bin')).equals(payload)).to.equal(true);
    expect(readFileSync(join(remote, 'tree/a.txt'), 'utf8')).to.equal('A');
    expect([...readFileSync(join(work, 'back.bin'))]).to.deep.equal([0, 255]);
    expect(readFileSync(join(work, 'out/report.txt'), 'utf8')).to.equal(`over ssh as ${sshd.username}\n`);
    expect(out).to.contain(`provisioned ${sshd.username}@${sshd.host}`);
  });

  it('HCL2: reports a remote failure’s exit status and validates the communicator block', async () => {
    const work = tempDir('ssh-hcl');
    const s = source();
    writeFileSync(
      join(work, 't.pkr.hcl'),
      `source "debian-ssh" "m" {
  ssh_host             = "${s.ssh_host}"
  ssh_port             = ${s.ssh_port}
  ssh_username         = "${s.ssh_username}"
  ssh_private_key_file = "${s.ssh_private_key_file}"
}
build {
  sources = ["source.debian-ssh.m"]
  # Packer's shell provisioner leaves a failed script behind: keep it in this build's directory.
  provisioner "shell" {
    inline        = ["echo hcl over ssh \${build.User}", "exit 5"]
    remote_folder = "${work}"
  }
}
`,
    );
    const failed = await runPacker(['build', 't.pkr.hcl'], { cwd: work, pluginPath: plugins });
    expect(failed.code).to.equal(1);
    expect(failed.stdout + failed.stderr)
      .to.contain(`hcl over ssh ${sshd.username}`)
      .and.contain('non-zero exit status: 5');
    // Schema problems first…
    writeFileSync(
      join(work, 'bad.json'),
      JSON.stringify({ builders: [{ type: 'debian-ssh', ssh_username: 'x', ssh_port: 'ssh' }] }),
    );
    const invalid = await runPacker(['validate', 'bad.json'], { cwd: work, pluginPath: plugins });
    expect(invalid.code).to.equal(1);
    expect(invalid.stdout + invalid.stderr).to.contain('* ssh_port: expected an integer, got string "ssh"');
    // …then the communicator block's own rules, all at once.
    writeFileSync(
      join(work, 'incomplete.json'),
      JSON.stringify({ builders: [{ type: 'debian-ssh', ssh_username: 'x' }] }),
    );
    const incomplete = await runPacker(['validate', 'incomplete.json'], { cwd: work, pluginPath: plugins });
    expect(incomplete.code).to.equal(1);
    expect(incomplete.stdout + incomplete.stderr)
      .to.contain('ssh_host')
      .and.contain('ssh_password');
  });
});
