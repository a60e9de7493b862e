/**
 * A real OpenSSH sshd for specs and benchmarks: started in the foreground (`sshd -D -e`; in
 * daemon mode it reset connections here) on a free loopback port, with throwaway host and
 * user keys in a private temp dir. `stop()` kills it and removes the dir; nothing is left
 * behind. Shared by the communicator specs, the e2e specs and bench/ssh.ts.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const SSHD_PATH = '/usr/sbin/sshd';

/** A user with a known password, for password and keyboard-interactive specs. */
export const TEST_USER = { username: 'pkrsdk-test', password: 'Pkr-sdk-test-pw1' } as const;

export interface SshdOptions {
  /** Extra sshd_config lines (later lines do not override earlier ones in sshd: put them first). */
  config?: readonly string[];
  /** `UsePAM yes` (needed for keyboard-interactive with OpenSSH portable). Default false. */
  usePam?: boolean;
  /** LogLevel; default VERBOSE. */
  logLevel?: string;
}

export interface KeyPair {
  /** Path of the private key file (0600). */
  privateKeyPath: string;
  /** The OpenSSH private key text. */
  privateKey: string;
  /** The `type base64 comment` public key line. */
  publicKey: string;
  /** `SHA256:…` fingerprint of the public key. */
  fingerprint: string;
}

export interface Sshd {
  readonly host: string;
  readonly port: number;
  /** The temp dir holding config, keys, pid file; removed by stop(). */
  readonly dir: string;
  /** The user sshd lets in with `userKey` (the current user). */
  readonly username: string;
  /** The server's ed25519 host key. */
  readonly hostKey: KeyPair;
  /** A user key listed in the authorized_keys file. */
  readonly userKey: KeyPair;
  /** Appends a public key line to the authorized_keys file every user shares. */
  authorize(publicKeyLine: string): Promise<void>;
  /** Everything sshd wrote to stderr so far. */
  log(): string;
  /** Kills sshd (and waits for it), removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

/** Why sshd specs cannot run here, or undefined when they can. */
export function sshdSkipReason(): string | undefined {
  if (existsSync(SSHD_PATH)) return undefined;
  if (process.getuid?.() !== 0)
    return `${SSHD_PATH} is missing and we are not root to install openssh-server`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  const installed = spawnSync(
    'apt-get',
    ['install', '-y', '-qq', '--no-install-recommends', 'openssh-server'],
    {
      stdio: 'ignore',
      env,
    },
  );
  if (installed.status !== 0 || !existsSync(SSHD_PATH)) return 'installing openssh-server failed';
  return undefined;
}

/**
 * A suite's private sshd, or the suite skipped with the reason printed (openssh-server is
 * installed first when running as root).
 */
export async function startSshdOrSkip(ctx: Mocha.Context): Promise<Sshd> {
  const skip = sshdSkipReason();
  if (skip) {
    console.log(`      skipped: ${skip}`);
    ctx.skip();
  }
  return startSshd();
}

/** True when running as root (needed for the password user and chroot). */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * Makes sure {@link TEST_USER} exists with its known password (root only; idempotent).
 * Returns why it cannot, or undefined when the user is ready.
 */
export async function ensureTestUser(): Promise<string | undefined> {
  if (!isRoot()) return 'not root: cannot create a user with a known password';
  const exists = spawnSync('id', [TEST_USER.username], { stdio: 'ignore' }).status === 0;
  if (!exists) await run('useradd', ['-m', '-s', '/bin/sh', TEST_USER.username]);
  await new Promise<void>((resolve, reject) => {
    const child = spawn('chpasswd', [], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`chpasswd failed: ${err}`))));
    child.stdin.end(`${TEST_USER.username}:${TEST_USER.password}\n`);
  });
  return undefined;
}

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Generates a key pair with ssh-keygen into `dir` (0600 private key). */
export async function generateKeyPair(
  dir: string,
  name: string,
  options: { type?: 'ed25519' | 'rsa' | 'ecdsa'; passphrase?: string; comment?: string } = {},
): Promise<KeyPair> {
  const privateKeyPath = path.join(dir, name);
  const args = ['-q', '-t', options.type ?? 'ed25519', '-N', options.passphrase ?? '', '-f', privateKeyPath];
  if (options.type === 'rsa') args.push('-b', '2048');
  args.push('-C', options.comment ?? name);
  await run('ssh-keygen', args);
  await chmod(privateKeyPath, 0o600);
  const publicKey = (await readFile(`${privateKeyPath}.pub`, 'utf8')).trim();
  return {
    privateKeyPath,
    privateKey: await readFile(privateKeyPath, 'utf8'),
    publicKey,
    fingerprint: fingerprintOf(publicKey),
  };
}

/** `SHA256:…` (unpadded base64) fingerprint of a `type base64 …` public key line. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Starts sshd on a free loopback port and resolves once it listens. */
export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-sshd-'));
  let child: ChildProcess | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (isRoot()) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    const hostKey = await generateKeyPair(dir, 'ssh_host_ed25519_key', { comment: 'host' });
    const userKey = await generateKeyPair(dir, 'user_ed25519', { comment: 'user' });
    const authorizedKeys = path.join(dir, 'authorized_keys');
    await writeFile(authorizedKeys, `${userKey.publicKey}\n`, { mode: 0o644 });
    // sshd drops privileges to the user before reading authorized_keys: let everyone read.
    await chmod(dir, 0o755);
    const port = await freePort();
    const sftpServer = ['/usr/lib/openssh/sftp-server', '/usr/libexec/openssh/sftp-server'].find((p) =>
      existsSync(p),
    );
    const lines = [
      ...(options.config ?? []),
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${hostKey.privateKeyPath}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      'StrictModes no',
      `UsePAM ${options.usePam ? 'yes' : 'no'}`,
      'PermitRootLogin yes',
      'PasswordAuthentication yes',
      `KbdInteractiveAuthentication ${options.usePam ? 'yes' : 'no'}`,
      'PubkeyAuthentication yes',
      'AllowAgentForwarding yes',
      'AllowTcpForwarding yes',
      'MaxStartups 100',
      'MaxSessions 100',
      `LogLevel ${options.logLevel ?? 'VERBOSE'}`,
      `Subsystem sftp ${sftpServer ?? 'internal-sftp'}`,
    ];
    const configPath = path.join(dir, 'sshd_config');
    await writeFile(configPath, `${lines.join('\n')}\n`);

    let log = '';
    child = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    const started = child;
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        log += chunk.toString();
        if (/Server listening on 127\.0\.0\.1 port \d+/.test(log)) resolve();
      };
      started.stderr!.on('data', onData);
      started.once('error', reject);
      started.once('exit', (code) => reject(new Error(`sshd exited with ${code} before listening:\n${log}`)));
    });
    started.removeAllListeners('exit');
    return {
      host: '127.0.0.1',
      port,
      dir,
      username: os.userInfo().username,
      hostKey,
      userKey,
      authorize: async (line) => writeFile(authorizedKeys, `${line.trim()}\n`, { flag: 'a' }),
      log: () => log,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface SshAgent {
  /** The agent's socket (SSH_AUTH_SOCK). */
  readonly socket: string;
  /** `ssh-add`s a private key file (with its passphrase, if any). */
  add(privateKeyPath: string, passphrase?: string): Promise<void>;
  /** Kills the agent and removes its socket dir. */
  stop(): Promise<void>;
}

/** Starts a real `ssh-agent` in the foreground with its socket in a private temp dir. */
export async function startSshAgent(): Promise<SshAgent> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-agent-'));
  const socket = path.join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: ['ignore', 'pipe', 'ignore'] });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // In -D mode the agent prints its environment lines once the socket is bound.
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('SSH_AUTH_SOCK=')) resolve();
      });
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`ssh-agent exited with ${code}`)));
    });
    child.removeAllListeners('exit');
    return {
      socket,
      async add(privateKeyPath, passphrase) {
        const env = { ...process.env, SSH_AUTH_SOCK: socket };
        if (passphrase === undefined) {
          await run('ssh-add', ['-q', privateKeyPath], { env });
          return;
        }
        // ssh-add reads the passphrase through SSH_ASKPASS when it has no terminal.
        const askpass = path.join(dir, 'askpass.sh');
        await writeFile(askpass, `#!/bin/sh\nprintf '%s\\n' '${passphrase.replace(/'/g, `'\\''`)}'\n`, {
          mode: 0o700,
        });
        await run('ssh-add', ['-q', privateKeyPath], {
          env: { ...env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
        });
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
