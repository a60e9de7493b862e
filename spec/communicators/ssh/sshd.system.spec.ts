import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { connectSsh, type SshWaitOptions } from '../../../communicators/ssh/connect.js';
import type { SshCommunicatorOptions, SshTunnel } from '../../../communicators/ssh/options.js';
import { parseTunnel } from '../../../communicators/ssh/tunnels.js';
import type { SshCommunicator } from '../../../communicators/ssh/ssh-communicator.js';
import { EXIT_STATUS_DISCONNECTED } from '../../../communicators/communicator.js';
import { isSdkError, type ErrorCode } from '../../../errors/index.js';
import {
  ensureTestUser,
  freePort,
  generateKeyPair,
  startSshdOrSkip,
  startSshAgent,
  startSshd,
  TEST_USER,
  type Sshd,
} from '../../support/sshd.js';
import { communicatorContract } from '../support/contract.js';
import { startHttpConnectProxy, startSocks5Proxy } from '../support/proxies.js';
import { Collect, generatedStream } from '../support/streams.js';

const MiB = 1024 * 1024;

async function output(
  comm: SshCommunicator,
  command: string,
): Promise<{ status: number; stdout: string; stderr: string }> {
  const stdout = new Collect();
  const stderr = new Collect();
  const started = await comm.start({ command, stdout, stderr });
  return { status: await started.exited, stdout: stdout.text, stderr: stderr.text };
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    expect(isSdkError(err, code), `${String(err)} should be ${code}`).to.equal(true);
    return err as Error;
  }
  return expect.fail(`expected ${code}`);
}

describe('communicators/ssh against OpenSSH sshd (system)', function () {
  this.timeout(60_000);
  let sshd: Sshd;
  let keys: string;
  const open: SshCommunicator[] = [];

  const target = (extra: Partial<SshCommunicatorOptions> = {}): SshCommunicatorOptions => ({
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    auth: { privateKeys: [{ path: sshd.userKey.privateKeyPath }] },
    ...extra,
  });
  const connect = async (
    options: SshCommunicatorOptions,
    wait: SshWaitOptions = {},
  ): Promise<SshCommunicator> => {
    const comm = await connectSsh(options, { handshakeAttempts: 1, timeoutMs: 20_000, ...wait });
    open.push(comm);
    return comm;
  };

  before(async function () {
    sshd = await startSshdOrSkip(this);
    keys = await mkdtemp(path.join(os.tmpdir(), 'pkr-keys-'));
  });

  after(async () => {
    await Promise.all(open.map((c) => c.close()));
    await sshd?.stop();
    if (keys) await rm(keys, { recursive: true, force: true });
  });

  for (const method of ['scp', 'sftp'] as const) {
    describe(`the communicator contract over ${method}`, () => {
      let comm: SshCommunicator;
      let dir: string;
      before(async () => {
        comm = await connect(target({ fileTransferMethod: method }));
        dir = path.join(sshd.dir, `scratch-${method}`);
        await mkdir(dir);
      });
      communicatorContract(() => ({ comm, machineDir: dir, hostPath: (p) => p }));
    });
  }

  describe('authentication', () => {
    it('logs in with an encrypted key and its passphrase, and refuses a wrong passphrase at once', async () => {
      const key = await generateKeyPair(keys, 'encrypted', { passphrase: 'open sesame' });
      await sshd.authorize(key.publicKey);
      const comm = await connect(
        target({ auth: { privateKeys: [{ path: key.privateKeyPath, passphrase: 'open sesame' }] } }),
      );
      expect((await output(comm, 'echo in')).stdout).to.equal('in\n');
      const err = await expectCode(
        connect(target({ auth: { privateKeys: [{ path: key.privateKeyPath, passphrase: 'wrong' }] } })),
        'PKR_ERR_SSH_KEY',
      );
      expect(err.message).to.match(/wrong passphrase/);
      await expectCode(
        connect(target({ auth: { privateKeys: [{ path: key.privateKeyPath }] } })),
        'PKR_ERR_SSH_KEY',
      );
    });

    it('logs in with an inline key', async () => {
      const comm = await connect(target({ auth: { privateKeys: [{ key: sshd.userKey.privateKey }] } }));
      expect((await output(comm, 'true')).status).to.equal(0);
    });

    it('names the methods tried when the key is not accepted', async () => {
      const stranger = await generateKeyPair(keys, 'stranger', { type: 'rsa' });
      const err = await expectCode(
        connect(target({ auth: { privateKeys: [{ path: stranger.privateKeyPath }] } })),
        'PKR_ERR_SSH_AUTH',
      );
      expect(err.message).to.include(`tried publickey (key file ${stranger.privateKeyPath}, ssh-rsa)`);
      expect(err.message).to.match(/the server accepts publickey, password/);
      expect(err.message).to.match(/gave up after 1 handshake attempts/);
    });

    it('logs in with a real ssh-agent and forwards it to commands', async () => {
      const agent = await startSshAgent();
      try {
        await agent.add(sshd.userKey.privateKeyPath);
        const comm = await connect(target({ auth: { agent: agent.socket }, agentForwarding: agent.socket }));
        const listed = await output(comm, 'ssh-add -l');
        expect(listed.status).to.equal(0);
        expect(listed.stdout).to.include(sshd.userKey.fingerprint);
        await comm.close();
      } finally {
        await agent.stop();
      }
    });

    describe('with a password user', () => {
      before(async function () {
        const skip = await ensureTestUser();
        if (skip) {
          console.log(`    skipped: ${skip}`);
          this.skip();
        }
      });

      it('logs in with a password', async () => {
        const comm = await connect(
          target({ username: TEST_USER.username, auth: { password: TEST_USER.password } }),
        );
        expect((await output(comm, 'id -un')).stdout.trim()).to.equal(TEST_USER.username);
      });

      it('refuses a wrong password naming the methods', async () => {
        const err = await expectCode(
          connect(target({ username: TEST_USER.username, auth: { password: 'wrong' } })),
          'PKR_ERR_SSH_AUTH',
        );
        expect(err.message).to.match(
          new RegExp(`for ${TEST_USER.username}@127\\.0\\.0\\.1:\\d+: tried password`),
        );
      });

      it('logs in with keyboard-interactive (sshd with PAM), answering the password prompt', async function () {
        const kiSshd = await startSshd({
          usePam: true,
          config: ['AuthenticationMethods keyboard-interactive'],
        });
        try {
          const prompts: string[] = [];
          const comm = await connect({
            host: kiSshd.host,
            port: kiSshd.port,
            username: TEST_USER.username,
            auth: {
              password: TEST_USER.password,
              keyboardInteractive: (asked) => {
                prompts.push(...asked.map((p) => p.prompt));
                return asked.map(() => TEST_USER.password);
              },
            },
          });
          expect((await output(comm, 'id -un')).stdout.trim()).to.equal(TEST_USER.username);
          expect(prompts.join(' ')).to.match(/assword/);
          await comm.close();
          // Packer's default responder: every prompt gets the password.
          const plain = await connect({
            host: kiSshd.host,
            port: kiSshd.port,
            username: TEST_USER.username,
            auth: { password: TEST_USER.password },
          });
          expect((await output(plain, 'echo ok')).stdout).to.equal('ok\n');
          await plain.close();
        } finally {
          await kiSshd.stop();
        }
      });
    });
  });

  describe('host keys', () => {
    it('accepts the pinned key (public key line or fingerprint)', async () => {
      const comm = await connect(target({ hostKey: { pins: [sshd.hostKey.publicKey] } }));
      expect(comm.hostKey?.fingerprint).to.equal(sshd.hostKey.fingerprint);
      await connect(target({ hostKey: { pins: [sshd.hostKey.fingerprint] } }));
    });

    it('refuses another key at once, naming both fingerprints', async () => {
      const other = await generateKeyPair(keys, 'other-host');
      const err = await expectCode(
        connect(target({ hostKey: { pins: [other.publicKey] } }), { handshakeAttempts: 10 }),
        'PKR_ERR_SSH_HOST_KEY',
      );
      expect(err.message).to.include(sshd.hostKey.fingerprint).and.include(other.fingerprint);
    });

    it('checks a known_hosts file, trusting on first use when asked', async () => {
      const file = path.join(keys, 'known_hosts');
      await expectCode(connect(target({ hostKey: { knownHostsFile: file } })), 'PKR_ERR_SSH_HOST_KEY');
      await connect(target({ hostKey: { knownHostsFile: file, trustOnFirstUse: true } }));
      const recorded = await readFile(file, 'utf8');
      expect(recorded).to.equal(
        `[127.0.0.1]:${sshd.port} ${sshd.hostKey.publicKey.split(' ').slice(0, 2).join(' ')}\n`,
      );
      await connect(target({ hostKey: { knownHostsFile: file } }));
      const other = await generateKeyPair(keys, 'other-host-2');
      await writeFile(file, `[127.0.0.1]:${sshd.port} ${other.publicKey}\n`);
      const err = await expectCode(
        connect(target({ hostKey: { knownHostsFile: file, trustOnFirstUse: true } })),
        'PKR_ERR_SSH_HOST_KEY',
      );
      expect(err.message).to.include(sshd.hostKey.fingerprint).and.include(other.fingerprint);
    });
  });

  describe('commands', () => {
    it('runs with a pty when asked (stderr merged into stdout)', async () => {
      const comm = await connect(target({ pty: true }));
      const result = await output(comm, 'tty; echo to-stderr >&2');
      expect(result.status).to.equal(0);
      expect(result.stdout).to.match(/^\/dev\/pts\/\d+\r?\n/);
      expect(result.stdout).to.include('to-stderr');
      expect(result.stderr).to.equal('');
    });

    it('sends keep-alives while a command is silent', async () => {
      let pings = 0;
      const comm = await connect(
        target({
          keepAliveIntervalMs: 100,
          debug: (line) => {
            if (line.includes('Sending ping')) pings++;
          },
        }),
      );
      const before = pings;
      const result = await output(comm, 'sleep 3; echo awake');
      expect(result).to.deep.include({ status: 0, stdout: 'awake\n' });
      // One every 100 ms over 3 s; any scheduling hiccup still leaves well over 5.
      expect(pings - before).to.be.greaterThan(5);
    });

    it('reports a dropped connection as EXIT_STATUS_DISCONNECTED and reconnects for the next command', async () => {
      const comm = await connect(target());
      // The command's parent is sshd's session process: killing it drops the connection. The
      // command waits for a line on stdin so we know "before" arrived first.
      const stdin = new PassThrough();
      const stdout = new Collect();
      const started = await comm.start({
        command: 'echo before; read go; kill -9 $PPID; exit 3',
        stdin,
        stdout,
      });
      await stdout.waitFor('before');
      stdin.write('go\n');
      expect(await started.exited).to.equal(EXIT_STATUS_DISCONNECTED);
      expect(stdout.text).to.equal('before\n');
      expect(comm.connected).to.equal(false);
      expect((await output(comm, 'echo again')).stdout).to.equal('again\n');
      expect(comm.connected).to.equal(true);
    });
  });

  describe('large and cancelled transfers', () => {
    for (const method of ['sftp', 'scp'] as const) {
      it(`uploads 256 MiB over ${method}, streamed (bounded memory), checksum intact`, async function () {
        this.timeout(180_000);
        const comm = await connect(target({ fileTransferMethod: method }));
        const dst = path.join(sshd.dir, `big-${method}.bin`);
        const size = 256 * MiB;
        const source = generatedStream(size);
        // Bytes taken from the source but not yet in the remote file: what sits in buffers.
        let maxInFlight = 0;
        let sampling = Promise.resolve();
        const sampler = setInterval(() => {
          sampling = sampling.then(async () => {
            const written = await stat(dst).then(
              (s) => s.size,
              () => 0,
            );
            maxInFlight = Math.max(maxInFlight, source.produced - written);
          });
        }, 25);
        try {
          await comm.upload(dst, source.stream, { name: 'big.bin', size, mode: 0o644 });
        } finally {
          clearInterval(sampler);
          await sampling;
        }
        expect((await stat(dst)).size).to.equal(size);
        const remote = await output(comm, `sha256sum ${dst} | cut -d' ' -f1`);
        expect(remote.stdout.trim()).to.equal(source.digest());
        await rm(dst);
        expect(maxInFlight, 'bytes read ahead of the remote file').to.be.lessThan(32 * MiB);
      });

      it(`cancels an upload over ${method} promptly and leaves no remote file`, async () => {
        const comm = await connect(target({ fileTransferMethod: method }));
        const dst = path.join(sshd.dir, `cancelled-${method}.bin`);
        const controller = new AbortController();
        const size = 1024 * MiB;
        const source = generatedStream(size, {
          onProduced: (produced) => {
            if (produced >= 8 * MiB && !controller.signal.aborted) controller.abort();
          },
        });
        const err = await expectCode(
          comm.upload(dst, source.stream, { name: 'x', size, mode: 0o644 }, { signal: controller.signal }),
          'PKR_ERR_CANCELLED',
        );
        expect(err).to.be.instanceOf(Error);
        expect(source.produced).to.be.lessThan(64 * MiB);
        await stat(dst).then(
          () => expect.fail(`${dst} was left behind`),
          (e: NodeJS.ErrnoException) => expect(e.code).to.equal('ENOENT'),
        );
        // The connection is still usable.
        expect((await output(comm, 'echo fine')).stdout).to.equal('fine\n');
      });
    }
  });

  describe('routes', () => {
    it('connects through a bastion host (its own auth) to a second sshd', async () => {
      const inner = await startSshd();
      try {
        const comm = await connect({
          host: inner.host,
          port: inner.port,
          username: inner.username,
          auth: { privateKeys: [{ path: inner.userKey.privateKeyPath }] },
          hostKey: { pins: [inner.hostKey.publicKey] },
          bastion: {
            host: sshd.host,
            port: sshd.port,
            username: sshd.username,
            auth: { privateKeys: [{ path: sshd.userKey.privateKeyPath }] },
            hostKey: { pins: [sshd.hostKey.publicKey] },
          },
        });
        expect((await output(comm, 'echo via-bastion')).stdout).to.equal('via-bastion\n');
        expect(comm.hostKey?.fingerprint).to.equal(inner.hostKey.fingerprint);
        expect(sshd.log()).to.match(/Accepted publickey for/);
        await comm.close();
      } finally {
        await inner.stop();
      }
    });

    it('refuses a bastion whose own login fails, naming it', async () => {
      const stranger = await generateKeyPair(keys, 'bastion-stranger');
      const err = await expectCode(
        connect(
          target({
            bastion: {
              host: sshd.host,
              port: sshd.port,
              username: sshd.username,
              auth: { privateKeys: [{ path: stranger.privateKeyPath }] },
            },
          }),
        ),
        'PKR_ERR_SSH_AUTH',
      );
      expect(err.message).to.include(stranger.privateKeyPath);
    });

    it('forwards local and remote tunnels (ssh_local_tunnels / ssh_remote_tunnels)', async () => {
      const echo = net.createServer((socket) => socket.pipe(socket));
      await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
      const echoPort = (echo.address() as net.AddressInfo).port;
      const [localPort, remotePort] = [await freePort(), await freePort()];
      try {
        const comm = await connect(
          target({
            tunnels: [
              parseTunnel(`${localPort}:127.0.0.1:${echoPort}`, 'local') as SshTunnel,
              parseTunnel(`${remotePort}:127.0.0.1:${echoPort}`, 'remote') as SshTunnel,
            ],
          }),
        );
        const roundTrip = (port: number): Promise<string> =>
          new Promise((resolve, reject) => {
            const socket = net.connect({ host: 'localhost', port }, () => socket.end('ping through tunnel'));
            let got = '';
            socket.on('data', (c: Buffer) => (got += c.toString()));
            socket.on('end', () => resolve(got));
            socket.on('error', reject);
          });
        // Local: we listen, sshd dials the echo server. Remote: sshd listens, we dial it.
        expect(await roundTrip(localPort)).to.equal('ping through tunnel');
        expect(await roundTrip(remotePort)).to.equal('ping through tunnel');
        await comm.close();
      } finally {
        await new Promise<void>((resolve) => echo.close(() => resolve()));
      }
    });

    for (const [kind, start] of [
      ['socks5', startSocks5Proxy],
      ['http', startHttpConnectProxy],
    ] as const) {
      it(`connects through a ${kind} proxy with credentials, and names a refusal`, async () => {
        const proxy = await start({ username: 'pu', password: 'pp' });
        try {
          const comm = await connect(
            target({
              proxy: { type: kind, host: '127.0.0.1', port: proxy.port, username: 'pu', password: 'pp' },
            }),
          );
          expect((await output(comm, 'echo proxied')).stdout).to.equal('proxied\n');
          expect(proxy.tunnels).to.equal(1);
          expect(proxy.targets).to.deep.equal([`127.0.0.1:${sshd.port}`]);
          await comm.close();
          const err = await expectCode(
            connect(
              target({
                proxy: { type: kind, host: '127.0.0.1', port: proxy.port, username: 'pu', password: 'bad' },
              }),
              { timeoutMs: 1000, retryDelayMs: 100 },
            ),
            'PKR_ERR_SSH_TIMEOUT',
          );
          expect(err.message).to.match(kind === 'socks5' ? /rejected the username\/password/ : /407/);
        } finally {
          await proxy.close();
        }
      });
    }
  });
});
