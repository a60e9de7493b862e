import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalCommunicator } from '../../../communicators/local/local-communicator.js';
import { CoreProvisionerClient } from '../../../rpc/core/index.js';
import { decodeSpecGob } from '../../../rpc/hclspec/index.js';
import { MockUi } from '../../../testing/index.js';
import { killPlugins, startFixture } from '../../support/loopback.js';

const START = ['start', 'provisioner', 'provisioner'];

describe('rpc/services/provisioner (over a real socket, TS core side)', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'prov-spec-'))));
  afterEach(async () => {
    await killPlugins();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a command through the communicator core serves, streaming its output to core’s Ui', async () => {
    const provisioner = await CoreProvisionerClient.connect(await startFixture('contract', START));
    expect(Object.keys(decodeSpecGob(await provisioner.configSpec())).sort()).to.deep.equal([
      'command',
      'expect_status',
    ]);
    await provisioner.prepare([
      { command: 'echo one; echo two >&2; echo {{ build_name }}' },
      { packer_build_name: 'web' },
    ]);
    const ui = new MockUi();
    await provisioner.provision(ui, createLocalCommunicator({ workDir: dir }), {
      Message: 'from the builder',
    });
    expect(ui.records[0]).to.deep.equal({ kind: 'say', text: 'provisioning for from the builder' });
    expect(
      ui.records
        .slice(1)
        .map((r) => (r as { text: string }).text)
        .sort(),
    ).to.deep.equal(['one', 'stderr: two', 'web'].sort());
  });

  it('fails Provision with the error at RPC level', async () => {
    const provisioner = await CoreProvisionerClient.connect(await startFixture('contract', START));
    await provisioner.prepare([{ command: 'exit 3' }]);
    let caught: unknown;
    try {
      await provisioner.provision(new MockUi(), createLocalCommunicator({ workDir: dir }));
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).message).to.equal('command exited with 3, expected 0');
  });

  it('fails Prepare with every problem at RPC level', async () => {
    const provisioner = await CoreProvisionerClient.connect(await startFixture('contract', START));
    let caught: unknown;
    try {
      await provisioner.prepare([{ comand: 'x' }]);
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).message)
      .to.contain('* comand: unknown field (did you mean "command"?)')
      .and.contain('* command: is required');
  });

  it('takes the generated-data placeholders core appends as template data (JSON templates)', async () => {
    const provisioner = await CoreProvisionerClient.connect(await startFixture('contract', START));
    await provisioner.prepare([
      { command: 'echo {{ .Host }}' },
      { packer_build_name: 'b' },
      {
        Host: 'Build_Host. To set this dynamically…',
        PackerRunUUID: 'Build_PackerRunUUID. To set this dynamically…',
      },
    ]);
    const ui = new MockUi();
    await provisioner.provision(ui, createLocalCommunicator({ workDir: dir }));
    expect(ui.lines).to.include('Build_Host. To set this dynamically…');
  });
});
