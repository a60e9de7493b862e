import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  createChrootCommunicator,
  type ChrootCommunicator,
} from '../../../communicators/chroot/chroot-communicator.js';
import { isSdkError } from '../../../errors/index.js';
import { isRoot } from '../../support/sshd.js';
import { communicatorContract } from '../support/contract.js';

const TOOLS = ['sh', 'cat', 'sha256sum', 'cut', 'sleep'];

/** Copies each tool and the libraries `ldd` lists for it into `root`, keeping their paths. */
async function buildMinimalRoot(root: string): Promise<void> {
  const files = new Set<string>();
  for (const tool of TOOLS) {
    const bin = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    files.add(bin);
    const ldd = execFileSync('ldd', [bin], { encoding: 'utf8' });
    for (const m of ldd.matchAll(/(\/\S+)/g)) files.add(m[1]!);
  }
  for (const file of files) {
    await mkdir(path.join(root, path.dirname(file)), { recursive: true });
    await copyFile(file, path.join(root, file));
    execFileSync('chmod', ['--reference', file, path.join(root, file)]);
  }
  // Commands run as /bin/sh; on merged-/usr systems the tools may live in /usr/bin.
  for (const tool of TOOLS) {
    const bin = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
    const inBin = path.join(root, 'bin', tool);
    if (bin !== `/bin/${tool}`) {
      await mkdir(path.dirname(inBin), { recursive: true });
      await copyFile(bin, inBin).catch(() => undefined);
      execFileSync('chmod', ['755', inBin]);
    }
  }
  await mkdir(path.join(root, 'scratch'));
}

describe('communicators/chroot (system)', function () {
  this.timeout(30_000);
  let root: string;
  let comm: ChrootCommunicator;

  before(async function () {
    if (!isRoot()) {
      console.log('    skipped: the chroot communicator needs root');
      this.skip();
    }
    root = await mkdtemp(path.join(os.tmpdir(), 'pkr-chroot-'));
    await buildMinimalRoot(root);
    comm = await createChrootCommunicator({ root });
  });

  after(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  communicatorContract(() => ({ comm, machineDir: '/scratch', hostPath: (p) => path.join(root, p) }));

  it('runs commands inside the chroot', async () => {
    const started = await comm.start({ command: 'test -d /scratch && test ! -d /proc/self' });
    expect(await started.exited).to.equal(0);
  });

  it('refuses paths that climb out with ..', async () => {
    for (const p of ['../etc/passwd', '/scratch/../../x', '..']) {
      await comm.upload(p, Readable.from([Buffer.from('x')])).then(
        () => expect.fail(`accepted ${p}`),
        (err: unknown) => expect(isSdkError(err, 'PKR_ERR_CHROOT_PATH_ESCAPE'), String(err)).to.equal(true),
      );
    }
  });

  it('refuses symbolic links that lead out, and re-roots absolute ones', async () => {
    await mkdir(path.join(root, 'links'));
    await symlink('../../..', path.join(root, 'links', 'out'));
    await comm.download('/links/out/etc/hostname', process.stdout).then(
      () => expect.fail('followed a link out of the chroot'),
      (err: unknown) => expect(isSdkError(err, 'PKR_ERR_CHROOT_PATH_ESCAPE'), String(err)).to.equal(true),
    );
    await mkdir(path.join(root, 'data'));
    await symlink('/data', path.join(root, 'links', 'abs'));
    await comm.upload('/links/abs/file.txt', Readable.from([Buffer.from('inside')]));
    expect(await readFile(path.join(root, 'data', 'file.txt'), 'utf8')).to.equal('inside');
    // Walking a directory follows links the same way.
    await comm.downloadDir('/links', root).then(
      () => expect.fail('walked out of the chroot'),
      (err: unknown) => expect(isSdkError(err, 'PKR_ERR_CHROOT_PATH_ESCAPE'), String(err)).to.equal(true),
    );
  });

  it('needs root: a clear coded error otherwise', async () => {
    const getuid = process.getuid;
    process.getuid = () => 1000;
    try {
      await createChrootCommunicator({ root }).then(
        () => expect.fail('created without root'),
        (err: unknown) => {
          expect(isSdkError(err, 'PKR_ERR_CHROOT_NOT_ROOT')).to.equal(true);
          expect((err as Error).message).to.match(/needs root.*uid 1000/);
        },
      );
    } finally {
      process.getuid = getuid;
    }
  });
});
