import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveCommunicatorConfig } from '../../communicators/config/resolve.js';
import type { SshCommunicator } from '../../communicators/ssh/ssh-communicator.js';
import { keys } from '../../engine/keys.js';
import { StepConnect } from '../../steps/step-connect.js';
import { createMockState, MockUi, runStep } from '../../testing/index.js';
import { Collect } from '../communicators/support/streams.js';
import { startSshdOrSkip, type Sshd } from '../support/sshd.js';

describe('steps/step-connect against OpenSSH sshd (system)', function () {
  this.timeout(30_000);
  let sshd: Sshd;
  let dir: string;

  before(async function () {
    sshd = await startSshdOrSkip(this);
    dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-step-connect-'));
  });

  after(async () => {
    await sshd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const method of ['scp', 'sftp']) {
    it(`connects from a Packer-style config (${method}, known_hosts trust on first use) and runs provisioning commands`, async () => {
      const knownHosts = path.join(dir, `known_hosts_${method}`);
      const result = await resolveCommunicatorConfig({
        ssh_username: sshd.username,
        ssh_private_key_file: sshd.userKey.privateKeyPath,
        ssh_port: String(sshd.port),
        ssh_timeout: '20s',
        ssh_file_transfer_method: method,
        ssh_known_hosts_file: knownHosts,
        ssh_known_hosts_trust_on_first_use: true,
      });
      if (!('value' in result)) throw new Error(JSON.stringify(result.problems));
      const ui = new MockUi();
      const state = createMockState([
        [keys.ui, ui],
        [keys.host, sshd.host],
      ]);
      const run = await runStep(new StepConnect({ config: result.value }), { state });
      expect(run.error).to.equal(undefined);
      expect(ui.lines).to.deep.equal([
        `Using SSH communicator to connect: ${sshd.host}`,
        'Waiting for SSH to become available...',
        'Connected to SSH!',
      ]);
      expect(await readFile(knownHosts, 'utf8')).to.include(sshd.hostKey.publicKey.split(' ')[1]);
      const comm = state.require(keys.communicator) as SshCommunicator;
      const out = new Collect();
      expect(await (await comm.start({ command: 'echo provisioned', stdout: out })).exited).to.equal(0);
      expect(out.text).to.equal('provisioned\n');
      const file = new Collect();
      await comm.download(path.join(sshd.dir, 'authorized_keys'), file);
      expect(file.text).to.include(sshd.userKey.publicKey);
      await run.cleanup();
      expect(comm.connected).to.equal(false);
    });
  }
});
