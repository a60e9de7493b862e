import { expect } from 'chai';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import ssh2 from 'ssh2';
import { keys } from '../../engine/keys.js';
import { sshPrivateKeyFileKey, stepTempSshKey } from '../../steps/step-temp-ssh-key.js';
import { createMockState, MockUi, runStep } from '../../testing/index.js';

describe('steps/step-temp-ssh-key', function () {
  this.timeout(30_000);

  it('puts a usable key pair in the state and drops the private key in cleanup', async () => {
    const ui = new MockUi();
    const run = await runStep(
      stepTempSshKey({ temporary_key_pair_type: 'ed25519', temporary_key_pair_name: 'packer_test' }),
      {
        state: createMockState([[keys.ui, ui]]),
      },
    );
    expect(run.error).to.equal(undefined);
    const privateKey = run.state.require(keys.sshPrivateKey);
    const publicKey = run.state.require(keys.sshPublicKey);
    expect(publicKey).to.match(/^ssh-ed25519 \S+ packer_test$/);
    const parsed: unknown = ssh2.utils.parseKey(privateKey);
    expect(parsed).not.to.be.instanceOf(Error);
    const key = parsed as { getPublicSSH(): Buffer };
    expect(key.getPublicSSH().toString('base64')).to.equal(publicKey.split(' ')[1]);
    expect(ui.lines).to.deep.equal(['Creating temporary ED25519 SSH key for instance...']);
    await run.cleanup('done');
    expect(run.state.has(keys.sshPrivateKey)).to.equal(false);
    expect(run.state.has(keys.sshPublicKey)).to.equal(true);
  });

  it('writes the private key to a 0600 file in a private directory, removed in cleanup', async () => {
    const run = await runStep(
      stepTempSshKey(
        { temporary_key_pair_type: 'ecdsa', temporary_key_pair_bits: 256 },
        { writePrivateKeyFile: true },
      ),
      {
        state: createMockState([[keys.ui, new MockUi()]]),
      },
    );
    expect(run.error).to.equal(undefined);
    const file = run.state.require(sshPrivateKeyFileKey);
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
    expect((await stat(path.dirname(file))).mode & 0o777).to.equal(0o700);
    expect(run.state.require(keys.sshPublicKey)).to.match(/^ecdsa-sha2-nistp256 /);
    await run.cleanup('failed');
    expect(await stat(path.dirname(file)).catch(() => undefined)).to.equal(undefined);
    expect(run.state.has(sshPrivateKeyFileKey)).to.equal(false);
  });

  it('refuses a size the key type does not take', async () => {
    const run = await runStep(
      stepTempSshKey({ temporary_key_pair_type: 'ecdsa', temporary_key_pair_bits: 300 }),
      {
        state: createMockState([[keys.ui, new MockUi()]]),
      },
    );
    expect((run.error as { code?: string }).code).to.equal('PKR_ERR_OPTION_INVALID');
    await run.cleanup('failed');
  });
});
