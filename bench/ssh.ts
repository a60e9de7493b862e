/**
 * SSH communicator throughput and latency against a real OpenSSH sshd on loopback (started
 * and stopped here with spec/support/sshd.ts), in one run:
 *
 * - a 256 MiB upload through our SFTP and our SCP, against OpenSSH's `scp` client to the same
 *   sshd (its default, which speaks SFTP since OpenSSH 9, and `scp -O`, the legacy protocol);
 * - the round trip of `true` through our communicator on its open connection, against
 *   `ssh host true` reusing a ControlMaster connection (the fair comparison: no handshake)
 *   and against a fresh `ssh` connection per command.
 *
 * Prints medians and ratios. Files go to /dev/shm when it exists, so the disk does not set
 * the pace.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { connectSsh } from '../communicators/ssh/connect.js';
import type { SshCommunicator } from '../communicators/ssh/ssh-communicator.js';
import { sshdSkipReason, startSshd } from '../spec/support/sshd.js';
import { median, time } from './support.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const SIZE = 256 * MiB;
const UPLOAD_ROUNDS = 3;
const COMMANDS = 200;
const FRESH_COMMANDS = 20;

const skip = sshdSkipReason();
if (skip) {
  console.log(`ssh: skipped (${skip})`);
  process.exit(0);
}

const scratchBase = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
const scratch = await mkdtemp(path.join(scratchBase, 'pkr-bench-ssh-'));
const sshd = await startSshd();
const comms: SshCommunicator[] = [];
try {
  const source = path.join(scratch, 'source.bin');
  const file = await open(source, 'w');
  const block = randomBytes(4 * MiB);
  for (let written = 0; written < SIZE; written += block.length) await file.write(block);
  await file.close();
  const target = path.join(scratch, 'target.bin');

  const connect = async (fileTransferMethod: 'sftp' | 'scp'): Promise<SshCommunicator> => {
    const comm = await connectSsh({
      host: sshd.host,
      port: sshd.port,
      username: sshd.username,
      auth: { privateKeys: [{ path: sshd.userKey.privateKeyPath }] },
      hostKey: { pins: [sshd.hostKey.publicKey] },
      fileTransferMethod,
    });
    comms.push(comm);
    return comm;
  };
  const sshOptions = [
    '-i',
    sshd.userKey.privateKeyPath,
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-o',
    'BatchMode=yes',
  ];
  const remote = `${sshd.username}@${sshd.host}`;

  const ours = { sftp: await connect('sftp'), scp: await connect('scp') };
  const uploads: Record<string, () => Promise<unknown>> = {
    'ours, SFTP': () =>
      ours.sftp.upload(target, createReadStream(source, { highWaterMark: 256 * 1024 }), {
        name: 'target.bin',
        size: SIZE,
        mode: 0o644,
      }),
    'ours, SCP': () =>
      ours.scp.upload(target, createReadStream(source, { highWaterMark: 256 * 1024 }), {
        name: 'target.bin',
        size: SIZE,
        mode: 0o644,
      }),
    'OpenSSH scp (SFTP protocol)': () =>
      run('scp', ['-q', '-P', String(sshd.port), ...sshOptions, source, `${remote}:${target}`]),
    'OpenSSH scp -O (SCP protocol)': () =>
      run('scp', ['-O', '-q', '-P', String(sshd.port), ...sshOptions, source, `${remote}:${target}`]),
  };
  const uploadMs: Record<string, number[]> = {};
  // Interleaved rounds, so a noisy moment on the machine hits every contender alike.
  for (let round = 0; round < UPLOAD_ROUNDS; round++) {
    for (const [name, upload] of Object.entries(uploads)) {
      (uploadMs[name] ??= []).push(await time(upload));
      await rm(target, { force: true });
    }
  }
  const mibps = (name: string): number => SIZE / MiB / (median(uploadMs[name]!) / 1000);
  console.log(
    `ssh: 256 MiB upload to OpenSSH sshd on loopback, median of ${UPLOAD_ROUNDS} interleaved rounds`,
  );
  for (const name of Object.keys(uploads)) {
    console.log(
      `  ${name.padEnd(32)} ${median(uploadMs[name]!).toFixed(0).padStart(6)} ms  ${mibps(name).toFixed(0).padStart(5)} MiB/s`,
    );
  }
  const reference = mibps('OpenSSH scp (SFTP protocol)');
  const legacy = mibps('OpenSSH scp -O (SCP protocol)');
  console.log(
    `  ratio ours SFTP / OpenSSH scp      ${(mibps('ours, SFTP') / reference).toFixed(2)}  (target >= 0.9)`,
  );
  console.log(
    `  ratio ours SCP  / OpenSSH scp      ${(mibps('ours, SCP') / reference).toFixed(2)}  (target >= 0.9)`,
  );
  console.log(`  ratio ours SCP  / OpenSSH scp -O   ${(mibps('ours, SCP') / legacy).toFixed(2)}`);

  // --- command round trips -------------------------------------------------------------
  const comm = ours.scp;
  const oursMs: number[] = [];
  for (let i = 0; i < COMMANDS; i++) {
    oursMs.push(await time(async () => (await comm.start({ command: 'true' })).exited));
  }
  const control = path.join(scratch, 'control.sock');
  const master = ['-o', `ControlPath=${control}`, '-p', String(sshd.port), ...sshOptions];
  await run('ssh', ['-o', 'ControlMaster=yes', '-o', 'ControlPersist=60', '-f', '-N', ...master, remote]);
  const muxMs: number[] = [];
  try {
    for (let i = 0; i < COMMANDS; i++) muxMs.push(await time(() => run('ssh', [...master, remote, 'true'])));
  } finally {
    await run('ssh', ['-O', 'exit', ...master, remote]).catch(() => undefined);
  }
  const freshMs: number[] = [];
  for (let i = 0; i < FRESH_COMMANDS; i++) {
    freshMs.push(await time(() => run('ssh', ['-p', String(sshd.port), ...sshOptions, remote, 'true'])));
  }
  console.log(`ssh: round trip of \`true\`, median`);
  console.log(`  ours, reused connection (${COMMANDS})         ${median(oursMs).toFixed(2).padStart(7)} ms`);
  console.log(`  ssh with ControlMaster reuse (${COMMANDS})    ${median(muxMs).toFixed(2).padStart(7)} ms`);
  console.log(
    `  ssh, fresh connection each (${FRESH_COMMANDS})      ${median(freshMs).toFixed(2).padStart(7)} ms`,
  );
  console.log(
    `  ratio ours / ControlMaster         ${(median(oursMs) / median(muxMs)).toFixed(2)}  (lower is faster)`,
  );
  console.log(
    `  peak RSS                           ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
} finally {
  await Promise.all(comms.map((c) => c.close()));
  await sshd.stop();
  await rm(scratch, { recursive: true, force: true });
}
