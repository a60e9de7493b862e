import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Communicator } from '../../../communicators/communicator.js';
import { isSdkError } from '../../../errors/index.js';
import { Collect, describeTree, generatedStream, makeTree } from './streams.js';

export interface ContractTarget {
  comm: Communicator;
  /** A scratch directory as the machine sees it. */
  machineDir: string;
  /** Where a machine path lives on this host (to check results). */
  hostPath(machinePath: string): string;
}

async function run(comm: Communicator, command: string, stdin?: Readable) {
  const stdout = new Collect();
  const stderr = new Collect();
  const started = await comm.start({ command, stdout, stderr, ...(stdin ? { stdin } : {}) });
  const status = await started.exited;
  return { status, stdout: stdout.text, stderr: stderr.text };
}

async function expectCode(promise: Promise<unknown>, code: Parameters<typeof isSdkError>[1]): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    expect(isSdkError(err, code), `${String(err)} should be ${code}`).to.equal(true);
    return err as Error;
  }
  return expect.fail(`expected ${code}`);
}

/**
 * The behaviour every communicator shares (the interface's semantics), run against one.
 * `target` is called in a before() hook.
 */
export function communicatorContract(target: () => ContractTarget): void {
  let t: ContractTarget;
  let local: string;
  let n = 0;
  const scratch = (name: string): string => path.posix.join(t.machineDir, `${name}-${++n}`);

  before(async () => {
    t = target();
    local = await mkdtemp(path.join(os.tmpdir(), 'pkr-contract-'));
    await makeTree(path.join(local, 'tree'));
  });

  after(async () => {
    await rm(local, { recursive: true, force: true });
  });

  describe('commands', () => {
    it('reports exit statuses 0, 1 and 127 and keeps stdout and stderr apart', async () => {
      expect(await run(t.comm, 'echo out; echo err >&2')).to.deep.equal({
        status: 0,
        stdout: 'out\n',
        stderr: 'err\n',
      });
      expect((await run(t.comm, 'exit 1')).status).to.equal(1);
      const missing = await run(t.comm, 'definitely-not-a-command-xyz');
      expect(missing.status).to.equal(127);
      expect(missing.stderr).to.match(/not found/);
    });

    it('streams stdin to the command', async () => {
      const source = generatedStream(3 * 1024 * 1024 + 17);
      const result = await run(t.comm, 'sha256sum | cut -d" " -f1', source.stream);
      expect(result.stdout.trim()).to.equal(source.digest());
    });

    it('gives the command end-of-file on stdin when there is none', async () => {
      expect((await run(t.comm, 'cat; echo done')).stdout).to.equal('done\n');
    });

    it('reports a command killed by a signal as 128 + its number', async () => {
      expect((await run(t.comm, 'kill -KILL $$')).status).to.equal(137);
    });

    it('cancels a running command: exited rejects with the cancellation', async () => {
      const controller = new AbortController();
      const stdout = new Collect();
      const started = await t.comm.start(
        { command: 'echo started; exec sleep 30', stdout },
        { signal: controller.signal },
      );
      // Wait until the command really runs (its first output), then cancel.
      await stdout.waitFor('started');
      controller.abort();
      await expectCode(started.exited, 'PKR_ERR_CANCELLED');
    });

    it('refuses to start once the signal fired', async () => {
      const controller = new AbortController();
      controller.abort();
      await expectCode(t.comm.start({ command: 'true' }, { signal: controller.signal }), 'PKR_ERR_CANCELLED');
    });
  });

  describe('files', () => {
    it('uploads with the given mode and mtime', async () => {
      const dst = scratch('up.txt');
      const modTime = new Date('2020-01-02T03:04:05Z');
      await t.comm.upload(dst, Readable.from([Buffer.from('abc'), Buffer.from('def')]), {
        name: 'up.txt',
        size: 6,
        mode: 0o750,
        modTime,
      });
      const s = await stat(t.hostPath(dst));
      expect(await readFile(t.hostPath(dst), 'utf8')).to.equal('abcdef');
      expect(s.mode & 0o7777).to.equal(0o750);
      expect(Math.floor(s.mtimeMs / 1000)).to.equal(modTime.getTime() / 1000);
    });

    it('uploads a source of unknown size as 0644', async () => {
      const dst = scratch('nosize.bin');
      const source = generatedStream(300_000);
      await t.comm.upload(dst, source.stream);
      const { createHash } = await import('node:crypto');
      expect(
        createHash('sha256')
          .update(await readFile(t.hostPath(dst)))
          .digest('hex'),
      ).to.equal(source.digest());
      expect((await stat(t.hostPath(dst))).mode & 0o777).to.equal(0o644);
    });

    it('leaves nothing behind when the source fails mid-upload', async () => {
      const dir = scratch('failing');
      await mkdir(t.hostPath(dir));
      const source = generatedStream(4 * 1024 * 1024, { failAt: 1024 * 1024 });
      await t.comm
        .upload(`${dir}/f.bin`, source.stream, { name: 'f.bin', size: 4 * 1024 * 1024, mode: 0o644 })
        .then(
          () => expect.fail('upload succeeded'),
          () => undefined,
        );
      expect(await readdir(t.hostPath(dir))).to.deep.equal([]);
    });

    it('downloads a file into a stream, and names a missing one clearly', async () => {
      const dst = scratch('down.txt');
      await t.comm.upload(dst, Readable.from([Buffer.from('download me')]), {
        name: 'x',
        size: 11,
        mode: 0o644,
      });
      const out = new Collect();
      await t.comm.download(dst, out);
      expect(out.text).to.equal('download me');
      const err = await expectCode(
        t.comm.download(scratch('missing'), new Collect()),
        'PKR_ERR_COMM_REMOTE_PATH',
      );
      expect(err.message).to.match(/missing/);
    });

    it('uploads a directory itself (no trailing slash), with modes, binary files and excludes', async () => {
      const dst = scratch('updir');
      await mkdir(t.hostPath(dst));
      await t.comm.uploadDir(dst, path.join(local, 'tree'), ['*.log', 'logs/']);
      const expected = await describeTree(path.join(local, 'tree'));
      for (const key of Object.keys(expected))
        if (key.endsWith('.log') || key === 'logs') delete expected[key];
      expect(await describeTree(t.hostPath(`${dst}/tree`))).to.deep.equal(expected);
    });

    it('uploads only the contents with a trailing slash', async () => {
      const dst = scratch('updir-contents');
      await mkdir(t.hostPath(dst));
      await t.comm.uploadDir(dst, `${path.join(local, 'tree')}/`);
      expect(await describeTree(t.hostPath(dst))).to.deep.equal(await describeTree(path.join(local, 'tree')));
    });

    it('refuses to upload into a directory that does not exist', async () => {
      await expectCode(
        t.comm.uploadDir(scratch('nope'), path.join(local, 'tree')),
        'PKR_ERR_COMM_REMOTE_PATH',
      );
    });

    it('downloads a directory by the same rules, with excludes, writing no partial files', async () => {
      const src = scratch('downdir');
      await mkdir(t.hostPath(src));
      await t.comm.uploadDir(src, `${path.join(local, 'tree')}/`);
      const into = await mkdtemp(path.join(local, 'into-'));
      await t.comm.downloadDir(src, into, ['*.log']);
      const expected = await describeTree(path.join(local, 'tree'));
      for (const key of Object.keys(expected)) if (key.endsWith('.log')) delete expected[key];
      expect(await describeTree(path.join(into, path.posix.basename(src)))).to.deep.equal(expected);
      const contents = await mkdtemp(path.join(local, 'contents-'));
      await t.comm.downloadDir(`${src}/`, contents);
      expect(await describeTree(contents)).to.deep.equal(await describeTree(path.join(local, 'tree')));
      const names = Object.keys(await describeTree(contents));
      expect(names.filter((n) => n.includes('.partial'))).to.deep.equal([]);
    });

    it('names a missing remote directory and a missing local destination', async () => {
      await expectCode(t.comm.downloadDir(scratch('no-such-dir'), local), 'PKR_ERR_COMM_REMOTE_PATH');
      await expectCode(
        t.comm.downloadDir(t.machineDir, path.join(local, 'no-such-local')),
        'PKR_ERR_COMM_LOCAL_PATH',
      );
    });
  });
}
