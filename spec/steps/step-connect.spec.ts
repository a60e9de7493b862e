import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Communicator } from '../../communicators/communicator.js';
import {
  resolveCommunicatorConfig,
  type ResolvedCommunicatorConfig,
} from '../../communicators/config/resolve.js';
import { LocalCommunicator } from '../../communicators/local/local-communicator.js';
import { NoneCommunicator } from '../../communicators/none/none-communicator.js';
import { clearAuthorizedKeys } from '../../communicators/ssh/clear-authorized-keys.js';
import { generateOpenSshKeyPair } from '../../communicators/ssh/key-pair.js';
import type { SshCommunicator } from '../../communicators/ssh/ssh-communicator.js';
import { keys } from '../../engine/keys.js';
import { isSdkError } from '../../errors/index.js';
import { StepConnect } from '../../steps/step-connect.js';
import { createManualClock, createMockState, MockUi, runStep } from '../../testing/index.js';
import { startFakeServer, type FakeServer } from '../communicators/support/fake-server.js';
import { freePort } from '../support/sshd.js';

async function resolved(
  raw: Record<string, unknown>,
  requireCredentials = true,
): Promise<ResolvedCommunicatorConfig> {
  const result = await resolveCommunicatorConfig(raw, { customTypes: ['local'], requireCredentials });
  if (!('value' in result)) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

describe('steps/step-connect', function () {
  this.timeout(20_000);
  let hostKey: string;
  let server: FakeServer | undefined;

  before(async () => {
    hostKey = (await generateOpenSshKeyPair({ type: 'ed25519' })).privateKey;
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('puts a refusing communicator in the state for "none"', async () => {
    const ui = new MockUi();
    const state = createMockState([[keys.ui, ui]]);
    const run = await runStep(new StepConnect({ config: await resolved({ communicator: 'none' }) }), {
      state,
    });
    expect(run.result).to.equal('continue');
    expect(state.get(keys.communicator)).to.be.instanceOf(NoneCommunicator);
    await run.cleanup();
  });

  it("uses the builder's factory for its own types and closes the communicator on cleanup", async () => {
    const ui = new MockUi();
    const state = createMockState([[keys.ui, ui]]);
    let closed = 0;
    const local = new LocalCommunicator();
    local.close = async () => {
      closed++;
    };
    const step = new StepConnect({
      config: await resolved({ communicator: 'local' }),
      custom: { local: () => local },
    });
    const run = await runStep(step, { state });
    expect(run.error).to.equal(undefined);
    expect(state.get(keys.communicator)).to.equal(local);
    expect(ui.lines).to.deep.equal(['Using local communicator to connect']);
    await run.cleanup();
    expect(closed).to.equal(1);
  });

  it('fails clearly for a type the builder did not register', async () => {
    const state = createMockState([[keys.ui, new MockUi()]]);
    const run = await runStep(new StepConnect({ config: { type: 'docker', pauseBeforeConnectingMs: 0 } }), {
      state,
    });
    expect(isSdkError(run.error, 'PKR_ERR_COMM_UNKNOWN_TYPE')).to.equal(true);
  });

  it('connects over SSH to the host in the state, says so on the Ui, and disconnects on cleanup', async () => {
    server = await startFakeServer({ hostKey });
    const ui = new MockUi();
    const state = createMockState([
      [keys.ui, ui],
      [keys.host, '127.0.0.1'],
    ]);
    const step = new StepConnect({
      config: await resolved({ ssh_username: 'u', ssh_password: 'pw', ssh_port: server.port }),
    });
    const run = await runStep(step, { state });
    expect(run.error).to.equal(undefined);
    expect(run.result).to.equal('continue');
    expect(ui.lines).to.deep.equal([
      'Using SSH communicator to connect: 127.0.0.1',
      'Warning: the SSH host key of 127.0.0.1 will not be verified; set ssh_host_key or ssh_known_hosts_file to check it',
      'Waiting for SSH to become available...',
      'Connected to SSH!',
    ]);
    const comm = state.get(keys.communicator) as SshCommunicator;
    expect(await (await comm.start({ command: 'true' })).exited).to.equal(0);
    await run.cleanup();
    expect(comm.connected).to.equal(false);
  });

  it('pauses before connecting again (pause_before_connecting) on the injected clock', async () => {
    server = await startFakeServer({ hostKey });
    const ui = new MockUi();
    const clock = createManualClock();
    const state = createMockState([[keys.ui, ui]]);
    const step = new StepConnect({
      config: await resolved({
        ssh_host: '127.0.0.1',
        ssh_username: 'u',
        ssh_password: 'pw',
        ssh_port: server.port,
        pause_before_connecting: '10s',
      }),
      clock,
    });
    const running = runStep(step, { state });
    await ui.waitFor('Pausing 10s before connecting...');
    // The step sleeps right after saying so (microtasks); a macrotask later the sleep is due.
    await new Promise((resolve) => setImmediate(resolve));
    expect(clock.sleeps).to.include(10_000);
    clock.advance(10_000);
    const run = await running;
    expect(run.error).to.equal(undefined);
    expect(server.connections).to.equal(2);
    expect(ui.lines.filter((l) => l === 'Waiting for SSH to become available...')).to.have.length(2);
    expect(state.get(keys.host)).to.equal('127.0.0.1');
    await run.cleanup();
  });

  it('stops waiting promptly when the build is cancelled', async () => {
    const port = await freePort();
    const ui = new MockUi();
    const controller = new AbortController();
    const clock = createManualClock();
    const state = createMockState([
      [keys.ui, ui],
      [keys.host, '127.0.0.1'],
    ]);
    const step = new StepConnect({
      config: await resolved({ ssh_username: 'u', ssh_password: 'pw', ssh_port: port }),
      clock,
    });
    const running = runStep(step, { state, signal: controller.signal });
    await ui.waitFor('Waiting for SSH to become available...');
    controller.abort();
    const run = await running;
    expect(isSdkError(run.error, 'PKR_ERR_CANCELLED')).to.equal(true);
    expect(ui.lines.some((l) => l.startsWith('Error waiting for SSH'))).to.equal(false);
    expect(state.has(keys.communicator)).to.equal(false);
  });

  it('reports the timeout on the Ui and fails', async () => {
    const port = await freePort();
    const ui = new MockUi();
    const state = createMockState([[keys.ui, ui]]);
    const step = new StepConnect({
      config: await resolved({
        ssh_host: '127.0.0.1',
        ssh_username: 'u',
        ssh_password: 'pw',
        ssh_port: port,
        ssh_timeout: '300ms',
        ssh_retry_delay: '50ms',
      }),
    });
    const run = await runStep(step, { state });
    expect(isSdkError(run.error, 'PKR_ERR_SSH_TIMEOUT')).to.equal(true);
    expect(ui.lines.at(-1)).to.match(/^Error waiting for SSH: \[PKR_ERR_SSH_TIMEOUT\] timed out after 300ms/);
  });

  it('needs a host from the config or the state', async () => {
    const state = createMockState([[keys.ui, new MockUi()]]);
    const run = await runStep(
      new StepConnect({ config: await resolved({ ssh_username: 'u', ssh_password: 'p' }) }),
      {
        state,
      },
    );
    expect(isSdkError(run.error, 'PKR_ERR_OPTION_INVALID')).to.equal(true);
    expect((run.error as Error).message).to.match(/set ssh_host/);
  });

  it('logs in with the temporary key from the state and clears it from authorized_keys on cleanup', async () => {
    const pair = await generateOpenSshKeyPair({ type: 'ed25519' });
    server = await startFakeServer({ hostKey, methods: ['publickey'], authorizedKey: pair.publicKey });
    const ui = new MockUi();
    const state = createMockState([
      [keys.ui, ui],
      [keys.sshPrivateKey, pair.privateKey],
      [keys.sshPublicKey, pair.publicKey],
    ]);
    const step = new StepConnect({
      config: await resolved(
        { ssh_host: '127.0.0.1', ssh_username: 'u', ssh_port: server.port, ssh_clear_authorized_keys: true },
        false,
      ),
    });
    const run = await runStep(step, { state });
    expect(run.error).to.equal(undefined);
    await run.cleanup();
    expect(server.commands).to.have.length(1);
    expect(server.commands[0]).to.include(pair.publicKey.split(' ')[1]).and.include('authorized_keys');
  });

  it('clearAuthorizedKeys removes exactly the key lines, keeping the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-authkeys-'));
    try {
      const keep = (await generateOpenSshKeyPair({ type: 'ed25519', comment: 'keep' })).publicKey;
      const drop = (await generateOpenSshKeyPair({ type: 'ed25519', comment: 'packer_tmp' })).publicKey;
      const file = path.join(dir, 'authorized_keys');
      await writeFile(file, `${keep}\n${drop}\n# comment\n`, { mode: 0o600 });
      const comm: Communicator = new LocalCommunicator({ workDir: dir });
      await clearAuthorizedKeys(comm, drop.replace('packer_tmp', 'other-comment'), { files: [file] });
      expect(await readFile(file, 'utf8')).to.equal(`${keep}\n# comment\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
