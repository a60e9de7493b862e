import { expect } from 'chai';
import { keys } from '../../engine/index.js';
import { isSdkError } from '../../errors/index.js';
import { createMockState, MockHook, MockUi, runStep } from '../../testing/index.js';
import { provisionHookData, stepProvision } from '../../steps/step-provision.js';
import { createLocalCommunicator } from '../../communicators/local/local-communicator.js';

describe('steps/step-provision', () => {
  it('calls the packer_provision hook with the communicator and the generated data, and records it', async () => {
    const hook = new MockHook();
    const comm = createLocalCommunicator();
    const state = createMockState([
      [keys.ui, new MockUi()],
      [keys.hook, hook],
      [keys.communicator, comm],
      [keys.host, '10.0.0.5'],
      [keys.instanceId, 'vm-1'],
      [keys.httpIp, '10.0.0.1'],
      [keys.httpPort, 8080],
      [keys.generatedData, { Custom: 'yes' }],
    ]);
    const run = await runStep(stepProvision({ connection: { type: 'ssh', port: 22, user: 'root' } }), {
      state,
    });
    expect(run.result).to.equal('continue');
    expect(hook.calls).to.have.length(1);
    const call = hook.calls[0]!;
    expect(call.name).to.equal('packer_provision');
    expect(call.communicator).to.equal(comm);
    expect(call.data).to.deep.include({
      ID: 'vm-1',
      Host: '10.0.0.5',
      Port: 22,
      User: 'root',
      ConnType: 'ssh',
      PackerHTTPIP: '10.0.0.1',
      PackerHTTPPort: '8080',
      PackerHTTPAddr: '10.0.0.1:8080',
      Custom: 'yes',
    });
    expect(state.get(keys.generatedData)).to.deep.equal(call.data);
  });

  it('fills the Go SDK’s placeholders for values the builder does not have', () => {
    const data = provisionHookData(createMockState());
    expect(data).to.deep.include({
      ID: 'ERR_ID_NOT_IMPLEMENTED_BY_BUILDER',
      PackerHTTPIP: 'ERR_HTTP_IP_NOT_IMPLEMENTED_BY_BUILDER',
      PackerHTTPPort: 'ERR_HTTP_PORT_NOT_IMPLEMENTED_BY_BUILDER',
      PackerHTTPAddr: 'ERR_HTTP_ADDR_NOT_IMPLEMENTED_BY_BUILDER',
      ConnType: 'none',
      SSHAgentAuth: false,
    });
    expect(Object.keys(data)).to.have.length(15);
  });

  it('fails with the provisioners’ error', async () => {
    const hook = new MockHook(() => {
      throw new Error('Script exited with non-zero exit status: 1');
    });
    const run = await runStep(stepProvision(), {
      state: createMockState([
        [keys.ui, new MockUi()],
        [keys.hook, hook],
      ]),
    });
    expect((run.error as Error).message).to.contain('non-zero exit status: 1');
  });

  it('needs a hook in state', async () => {
    const run = await runStep(stepProvision(), { state: createMockState([[keys.ui, new MockUi()]]) });
    expect(isSdkError(run.error, 'PKR_ERR_STATE_MISSING')).to.equal(true);
  });
});
