import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CommunicatorConfigSchema, communicatorConfigProperties } from '../../communicators/config/schema.js';
import {
  isSshConfig,
  resolveCommunicatorConfig,
  type ResolveResult,
} from '../../communicators/config/resolve.js';
import { generateOpenSshKeyPair } from '../../communicators/ssh/key-pair.js';
import { validateAgainst } from '../../config/validate.js';

function problemsOf(result: ResolveResult): { path: string; message: string }[] {
  expect(result, JSON.stringify(result)).to.have.property('problems');
  return 'problems' in result ? result.problems.map((p) => ({ path: p.path, message: p.message })) : [];
}

function valueOf(result: ResolveResult) {
  expect(result, JSON.stringify(result)).to.have.property('value');
  if (!('value' in result)) throw new Error('no value');
  return result.value;
}

describe('communicators/config', () => {
  let dir: string;
  let keyFile: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-comm-config-'));
    keyFile = path.join(dir, 'id_ed25519');
    await writeFile(keyFile, (await generateOpenSshKeyPair({ type: 'ed25519' })).privateKey, { mode: 0o600 });
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('schema', () => {
    it('gives every field a description and a default', () => {
      for (const [name, schema] of Object.entries(communicatorConfigProperties)) {
        const s = schema as { description?: unknown; default?: unknown };
        expect(s.description, name).to.be.a('string').and.not.equal('');
        expect(s.default, name).to.not.equal(undefined);
      }
    });

    it('is documented field by field in docs/communicators.md', async () => {
      const doc = await readFile(new URL('../../docs/communicators.md', import.meta.url), 'utf8');
      const table = doc.slice(doc.indexOf('## Configuration'));
      for (const [name, schema] of Object.entries(communicatorConfigProperties)) {
        const row = new RegExp(`^\\|\\s*\`${name}\`\\s*\\|.*\\|`, 'm').exec(table);
        expect(row, name).to.not.equal(null);
        expect(row![0], name).to.include(`\`${JSON.stringify((schema as { default: unknown }).default)}\``);
      }
    });

    it("fills Packer's defaults", () => {
      const value: Record<string, unknown> = {};
      expect(validateAgainst(CommunicatorConfigSchema, value)).to.deep.equal([]);
      expect(value).to.include({
        communicator: 'ssh',
        ssh_port: 22,
        ssh_timeout: '5m',
        ssh_handshake_attempts: 10,
        ssh_keep_alive_interval: '5s',
        ssh_file_transfer_method: 'scp',
        ssh_proxy_port: 1080,
        ssh_bastion_port: 22,
        ssh_retry_delay: '2s',
        ssh_handshake_timeout: '1m',
        ssh_keep_alive_count_max: 3,
        pause_before_connecting: '0s',
        temporary_key_pair_type: 'rsa',
      });
    });

    const invalid: [string, Record<string, unknown>, string, RegExp][] = [
      ['a port out of range', { ssh_port: 70000 }, 'ssh_port', /<= 65535/],
      ['a port that is no number', { ssh_port: 'ssh' }, 'ssh_port', /integer/],
      [
        'a bad transfer method',
        { ssh_file_transfer_method: 'rsync' },
        'ssh_file_transfer_method',
        /"scp", "sftp"/,
      ],
      ['a bad duration', { ssh_timeout: '5 minutes' }, 'ssh_timeout', /duration/],
      [
        'a bad key type',
        { temporary_key_pair_type: 'dsa' },
        'temporary_key_pair_type',
        /"rsa", "ed25519", "ecdsa"/,
      ],
      ['a negative attempt count', { ssh_handshake_attempts: -1 }, 'ssh_handshake_attempts', />= 0/],
    ];
    for (const [what, value, field, message] of invalid) {
      it(`reports ${what} with its field path`, () => {
        const problems = validateAgainst(CommunicatorConfigSchema, value);
        expect(problems.map((p) => p.path)).to.include(field);
        expect(problems.find((p) => p.path === field)!.message).to.match(message);
      });
    }
  });

  describe('resolveCommunicatorConfig', () => {
    it('resolves a minimal SSH block with Packer defaults', async () => {
      const value = valueOf(await resolveCommunicatorConfig({ ssh_username: 'root', ssh_password: 'pw' }));
      if (!isSshConfig(value)) throw new Error('expected ssh');
      expect(value.host).to.equal(undefined);
      expect(value.wait).to.deep.equal({ timeoutMs: 300_000, handshakeAttempts: 10, retryDelayMs: 2000 });
      expect(value.connect).to.include({
        port: 22,
        username: 'root',
        handshakeTimeoutMs: 60_000,
        keepAliveIntervalMs: 5000,
        keepAliveCountMax: 3,
        readWriteTimeoutMs: 0,
        pty: false,
        fileTransferMethod: 'scp',
        agentForwarding: true,
      });
      expect(value.connect.auth).to.deep.include({ password: 'pw', agent: false });
      expect(value.hostKeyChecked).to.equal(false);
      expect(value.pauseBeforeConnectingMs).to.equal(0);
    });

    it('does not change the raw map it is given', async () => {
      const raw = { ssh_username: 'root', ssh_password: 'pw' };
      await resolveCommunicatorConfig(raw);
      expect(raw).to.deep.equal({ ssh_username: 'root', ssh_password: 'pw' });
    });

    it('parses durations and the SDK fields', async () => {
      const value = valueOf(
        await resolveCommunicatorConfig({
          ssh_username: 'u',
          ssh_private_key_file: keyFile,
          ssh_host: '10.0.0.5',
          ssh_timeout: '1h2m3.5s',
          ssh_keep_alive_interval: '-1s',
          ssh_read_write_timeout: '300ms',
          ssh_retry_delay: '500ms',
          pause_before_connecting: '10s',
          ssh_file_transfer_method: 'sftp',
          ssh_disable_agent_forwarding: true,
          ssh_host_key: 'SHA256:d2hpEZu+7k2rhB/Z8csBV87qs2HIF/LcrBVkJIpVGrk',
          ssh_local_tunnels: ['8080:localhost:80'],
          ssh_remote_tunnels: ['9090:127.0.0.1:22'],
        }),
      );
      if (!isSshConfig(value)) throw new Error('expected ssh');
      expect(value.host).to.equal('10.0.0.5');
      expect(value.wait.timeoutMs).to.equal(3_723_500);
      expect(value.wait.retryDelayMs).to.equal(500);
      expect(value.pauseBeforeConnectingMs).to.equal(10_000);
      expect(value.connect).to.include({
        keepAliveIntervalMs: 0,
        readWriteTimeoutMs: 300,
        fileTransferMethod: 'sftp',
      });
      expect(value.connect.agentForwarding).to.equal(false);
      expect(value.connect.auth.privateKeys).to.deep.equal([{ path: keyFile }]);
      expect(value.connect.hostKey).to.deep.equal({
        pins: ['SHA256:d2hpEZu+7k2rhB/Z8csBV87qs2HIF/LcrBVkJIpVGrk'],
      });
      expect(value.hostKeyChecked).to.equal(true);
      expect(value.connect.tunnels).to.deep.equal([
        {
          direction: 'local',
          listenHost: 'localhost',
          listenPort: 8080,
          forwardHost: 'localhost',
          forwardPort: 80,
        },
        {
          direction: 'remote',
          listenHost: 'localhost',
          listenPort: 9090,
          forwardHost: '127.0.0.1',
          forwardPort: 22,
        },
      ]);
    });

    it('reads ssh_keep_alive_interval like Packer: negative disables, zero means the default', async () => {
      for (const [text, ms] of [
        ['-1s', 0],
        ['0s', 5000],
        ['250ms', 250],
      ] as const) {
        const value = valueOf(
          await resolveCommunicatorConfig({
            ssh_username: 'u',
            ssh_password: 'p',
            ssh_keep_alive_interval: text,
          }),
        );
        expect(isSshConfig(value) && value.connect.keepAliveIntervalMs, text).to.equal(ms);
      }
    });

    it('uses ssh_wait_timeout (the old name) over ssh_timeout', async () => {
      const value = valueOf(
        await resolveCommunicatorConfig({ ssh_username: 'u', ssh_password: 'p', ssh_wait_timeout: '20m' }),
      );
      expect(isSshConfig(value) && value.wait.timeoutMs).to.equal(1_200_000);
    });

    it('reports every semantic problem at once, each with its field path', async () => {
      const problems = problemsOf(
        await resolveCommunicatorConfig({
          ssh_timeout: '-5m',
          ssh_private_key_file: path.join(dir, 'nope'),
          ssh_certificate_file: '/x/cert.pub',
          ssh_bastion_host: 'jump',
          ssh_proxy_host: 'proxy',
          ssh_local_tunnels: ['8080:localhost'],
          ssh_remote_tunnels: ['x:localhost:22'],
          ssh_host_key: 'not a key',
          ssh_bastion_interactive: true,
          temporary_key_pair_type: 'ecdsa',
          temporary_key_pair_bits: 300,
        }),
      );
      const paths = problems.map((p) => p.path);
      expect(paths).to.deep.equal([
        'ssh_bastion_interactive',
        'ssh_bastion_username',
        'ssh_certificate_file',
        'ssh_host_key',
        'ssh_local_tunnels[0]',
        'ssh_private_key_file',
        'ssh_proxy_host',
        'ssh_remote_tunnels[0]',
        'ssh_timeout',
        'ssh_username',
        'temporary_key_pair_bits',
      ]);
      const byPath = Object.fromEntries(problems.map((p) => [p.path, p.message]));
      expect(byPath.ssh_private_key_file).to.match(/cannot read the key file .*nope/);
      expect(byPath.ssh_timeout).to.match(/negative/);
      expect(byPath.ssh_certificate_file).to.match(/not supported/);
      expect(byPath.temporary_key_pair_bits).to.match(/256, 384 or 521/);
    });

    it('requires credentials unless the builder brings a temporary key', async () => {
      const problems = problemsOf(await resolveCommunicatorConfig({ ssh_username: 'u' }));
      expect(problems).to.deep.equal([
        {
          path: 'ssh_password',
          message: 'ssh_password or ssh_private_key_file or ssh_agent_auth is required',
        },
      ]);
      valueOf(await resolveCommunicatorConfig({ ssh_username: 'u' }, { requireCredentials: false }));
    });

    it('requires ssh_host when the builder says so', async () => {
      const problems = problemsOf(
        await resolveCommunicatorConfig({ ssh_username: 'u', ssh_password: 'p' }, { requireHost: true }),
      );
      expect(problems.map((p) => p.path)).to.deep.equal(['ssh_host']);
    });

    it('combines schema problems with semantic ones', async () => {
      const problems = problemsOf(await resolveCommunicatorConfig({ ssh_port: 0, ssh_retry_delay: 'soon' }));
      expect(problems.map((p) => p.path)).to.deep.equal([
        'ssh_password',
        'ssh_port',
        'ssh_retry_delay',
        'ssh_username',
      ]);
    });

    it('says WinRM is not available', async () => {
      const problems = problemsOf(await resolveCommunicatorConfig({ communicator: 'winrm' }));
      expect(problems).to.have.length(1);
      expect(problems[0]).to.deep.include({ path: 'communicator' });
      expect(problems[0]!.message).to.match(/WinRM is not available in this SDK/);
    });

    it("rejects unknown types and accepts the builder's own", async () => {
      const problems = problemsOf(await resolveCommunicatorConfig({ communicator: 'docker' }));
      expect(problems[0]!.message).to.match(/unknown communicator "docker"; valid: "ssh", "none"/);
      expect(
        valueOf(await resolveCommunicatorConfig({ communicator: 'docker' }, { customTypes: ['docker'] })),
      ).to.deep.equal({
        type: 'docker',
        pauseBeforeConnectingMs: 0,
      });
      expect(valueOf(await resolveCommunicatorConfig({ communicator: 'none', ssh_port: 22 }))).to.deep.equal({
        type: 'none',
        pauseBeforeConnectingMs: 0,
      });
    });

    it('checks the bastion block and lends it the main key', async () => {
      const problems = problemsOf(
        await resolveCommunicatorConfig({ ssh_username: 'u', ssh_password: 'p', ssh_bastion_host: 'jump' }),
      );
      expect(problems.map((p) => p.path)).to.deep.equal(['ssh_bastion_password', 'ssh_bastion_username']);
      const value = valueOf(
        await resolveCommunicatorConfig({
          ssh_username: 'u',
          ssh_private_key_file: keyFile,
          ssh_bastion_host: 'jump',
          ssh_bastion_username: 'b',
          ssh_bastion_port: 2222,
        }),
      );
      if (!isSshConfig(value)) throw new Error('expected ssh');
      expect(value.connect.bastion).to.deep.include({ host: 'jump', port: 2222, username: 'b' });
      expect(value.connect.bastion!.auth.privateKeys).to.deep.equal([{ path: keyFile }]);
    });

    it('checks host-key settings', async () => {
      const both = problemsOf(
        await resolveCommunicatorConfig({
          ssh_username: 'u',
          ssh_password: 'p',
          ssh_host_key: 'SHA256:d2hpEZu+7k2rhB/Z8csBV87qs2HIF/LcrBVkJIpVGrk',
          ssh_known_hosts_file: '/tmp/kh',
        }),
      );
      expect(both.map((p) => p.path)).to.deep.equal(['ssh_known_hosts_file']);
      const tofu = problemsOf(
        await resolveCommunicatorConfig({
          ssh_username: 'u',
          ssh_password: 'p',
          ssh_known_hosts_trust_on_first_use: true,
        }),
      );
      expect(tofu.map((p) => p.path)).to.deep.equal(['ssh_known_hosts_trust_on_first_use']);
      const value = valueOf(
        await resolveCommunicatorConfig({
          ssh_username: 'u',
          ssh_password: 'p',
          ssh_known_hosts_file: '/tmp/kh',
          ssh_known_hosts_trust_on_first_use: true,
        }),
      );
      expect(isSshConfig(value) && value.connect.hostKey).to.deep.equal({
        knownHostsFile: '/tmp/kh',
        trustOnFirstUse: true,
      });
    });

    it('reports a passphrase without a key file', async () => {
      const problems = problemsOf(
        await resolveCommunicatorConfig({
          ssh_username: 'u',
          ssh_password: 'p',
          ssh_private_key_passphrase: 'x',
        }),
      );
      expect(problems.map((p) => p.path)).to.deep.equal(['ssh_private_key_passphrase']);
    });

    it('reports a file that is not a key', async () => {
      const notKey = path.join(dir, 'not-a-key');
      await writeFile(notKey, 'hello\n');
      const problems = problemsOf(
        await resolveCommunicatorConfig({ ssh_username: 'u', ssh_private_key_file: notKey }),
      );
      expect(problems.map((p) => p.path)).to.deep.equal(['ssh_private_key_file']);
      expect(problems[0]!.message).to.match(/cannot parse the key file/);
    });
  });
});
