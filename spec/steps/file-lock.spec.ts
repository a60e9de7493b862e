import { expect } from 'chai';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isSdkError } from '../../errors/index.js';
import { acquireFileLock, processAlive, readOwner, type LockOwner } from '../../steps/file-lock.js';
import { createManualClock } from '../../testing/index.js';
import { spawnTs } from './support/child.js';

describe('steps/file-lock', function () {
  this.timeout(20_000);
  let dir: string;
  let lock: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-lock-'));
    lock = path.join(dir, 'x.iso.lock');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('records the owner while held and removes the file on release (twice is harmless)', async () => {
    const release = await acquireFileLock(lock);
    const owner = await readOwner(lock);
    expect(owner?.pid).to.equal(process.pid);
    expect(owner?.host).to.equal(os.hostname());
    await release();
    await release();
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('waits for a live holder in another process and takes the lock once it lets go', async () => {
    const child = spawnTs('lock-child.ts', [lock]);
    await child.waitForLine((l) => l === 'LOCKED');
    let waitedFor: LockOwner | undefined;
    const acquired = acquireFileLock(lock, {
      onWait: (owner) => {
        waitedFor = owner;
        child.process.stdin!.write('go\n');
      },
    });
    const release = await acquired;
    expect(waitedFor?.pid).to.equal(child.process.pid);
    expect((await readOwner(lock))?.pid).to.equal(process.pid);
    await release();
    expect(await child.exited).to.equal(0);
  });

  it('breaks the lock of a holder that was killed', async () => {
    const child = spawnTs('lock-child.ts', [lock]);
    await child.waitForLine((l) => l === 'LOCKED');
    const pid = child.process.pid!;
    child.process.kill('SIGKILL');
    await child.exited;
    expect((await readOwner(lock))?.pid).to.equal(pid);
    expect(processAlive(pid)).to.equal(false);
    let waited = false;
    const release = await acquireFileLock(lock, { onWait: () => void (waited = true) });
    expect(waited).to.equal(false);
    expect((await readOwner(lock))?.pid).to.equal(process.pid);
    await release();
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('never breaks a lock from another host, and stops waiting when cancelled', async () => {
    await writeFile(lock, JSON.stringify({ pid: 1, host: 'elsewhere.example', token: 't' }));
    const controller = new AbortController();
    const clock = createManualClock();
    const result = acquireFileLock(lock, {
      clock,
      signal: controller.signal,
      onWait: () => controller.abort(),
    }).then(
      () => 'acquired',
      (err: unknown) => err,
    );
    expect(isSdkError(await result, 'PKR_ERR_CANCELLED')).to.equal(true);
    expect((await readOwner(lock))?.host).to.equal('elsewhere.example');
  });

  it('treats an unwritten lock as being created, until it is old enough to be abandoned', async () => {
    await writeFile(lock, '');
    const controller = new AbortController();
    const fresh = await acquireFileLock(lock, {
      clock: createManualClock(),
      signal: controller.signal,
      onWait: () => controller.abort(),
    }).catch((err: unknown) => err);
    expect(isSdkError(fresh, 'PKR_ERR_CANCELLED')).to.equal(true);

    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    const release = await acquireFileLock(lock);
    expect((await readOwner(lock))?.pid).to.equal(process.pid);
    await release();
  });

  it('says PKR_ERR_CACHE_LOCK when the lock cannot be created', async () => {
    const err = await acquireFileLock(path.join(dir, 'missing', 'x.lock')).catch((e: unknown) => e);
    expect(isSdkError(err, 'PKR_ERR_CACHE_LOCK')).to.equal(true);
  });
});
