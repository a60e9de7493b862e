import { createReadStream } from 'node:fs';
import { chmod, mkdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Client } from 'ssh2';
import { abortReason } from '../../engine/clock.js';
import { SdkError } from '../../errors/index.js';
import type { FileInfo } from '../communicator.js';
import { writeFileAtomic } from '../shared/atomic-write.js';
import type { ExcludeMatcher } from '../shared/exclude.js';
import type { LocalDirNode } from '../shared/local-tree.js';
import { copyToWritable } from '../shared/stream-copy.js';
import { SFTP_NO_SUCH_FILE, SFTP_PERMISSION_DENIED, sftpCode, SftpSession } from './sftp-session.js';

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

/** Runs `fn` on a fresh SFTP session that is ended afterwards, whatever happens. */
export async function withSftp<T>(
  client: Client,
  signal: AbortSignal | undefined,
  fn: (sftp: SftpSession) => Promise<T>,
): Promise<T> {
  const sftp = await SftpSession.open(client, signal).catch((err: unknown) => {
    throw new SdkError(
      'PKR_ERR_COMM_TRANSFER',
      `cannot start the SFTP subsystem: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  });
  try {
    return await fn(sftp);
  } finally {
    await sftp.end().catch(() => undefined);
  }
}

/**
 * Writes `src` to the remote `dst`: created 0600, filled with pipelined writes, then given
 * its mode (exactly, via setstat: `fileInfo.mode`, default 0644) and mtime. On failure or
 * cancellation the partly written file is removed.
 */
export async function sftpUpload(
  sftp: SftpSession,
  dst: string,
  src: Readable | AsyncIterable<Buffer>,
  fileInfo: FileInfo | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  let handle: Buffer | undefined;
  try {
    handle = await sftp.open(dst, 'w', { mode: 0o600 });
    await sftp.writeAll(handle, src);
    const attrs = { mode: (fileInfo?.mode ?? 0o644) & 0o7777 };
    await sftp.fsetstat(
      handle,
      fileInfo?.modTime ? { ...attrs, atime: fileInfo.modTime, mtime: fileInfo.modTime } : attrs,
    );
    const h = handle;
    handle = undefined;
    await sftp.close(h);
  } catch (err) {
    if (handle) {
      // The session may be the thing that failed: clean up on a best-effort basis.
      await sftp.close(handle, true).catch(() => undefined);
      await sftp.unlink(dst, true).catch(() => undefined);
    }
    throw sftpError(err, dst, 'upload', signal);
  }
}

/** Streams the remote file `src` into `dst` (not ended). */
export async function sftpDownload(
  sftp: SftpSession,
  src: string,
  dst: Writable,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    const stats = await sftp.stat(src);
    if ((stats.mode & S_IFMT) === S_IFDIR) {
      throw new SdkError(
        'PKR_ERR_COMM_TRANSFER',
        `cannot download ${src}: it is a directory (use downloadDir)`,
        {
          details: { path: src },
        },
      );
    }
    const handle = await sftp.open(src, 'r');
    try {
      await copyToWritable(sftp.readAll(handle), dst, signal);
    } finally {
      await sftp.close(handle).catch(() => undefined);
    }
  } catch (err) {
    throw sftpError(err, src, 'download', signal);
  }
}

/**
 * Uploads a walked local tree into the existing remote directory `dst` (into `dst/<name>`
 * with `includeRoot`). Directory modes are applied after their contents, so read-only
 * directories can still be filled.
 */
export async function sftpUploadTree(
  sftp: SftpSession,
  dst: string,
  tree: LocalDirNode,
  includeRoot: boolean,
  signal: AbortSignal | undefined,
): Promise<void> {
  await requireRemoteDir(sftp, dst, signal);
  const fill = async (node: LocalDirNode, remote: string, applyMode: boolean): Promise<void> => {
    for (const child of node.children) {
      if (signal?.aborted) throw abortReason(signal);
      const target = path.posix.join(remote, child.name);
      if (child.kind === 'dir') {
        await mkdirIfMissing(sftp, target, signal);
        await fill(child, target, true);
      } else {
        const stream = createReadStream(child.path, { highWaterMark: 256 * 1024 });
        try {
          await sftpUpload(sftp, target, stream, child, signal);
        } finally {
          stream.destroy();
        }
      }
    }
    if (!applyMode) return;
    await sftp
      .setstat(remote, { mode: node.mode, atime: node.mtime, mtime: node.mtime })
      .catch((err: unknown) => {
        throw sftpError(err, remote, 'upload', signal);
      });
  };
  if (includeRoot) {
    const root = path.posix.join(dst, tree.name);
    await mkdirIfMissing(sftp, root, signal);
    await fill(tree, root, true);
  } else {
    // The destination is the caller's and exists already: fill it, leave its mode alone.
    await fill(tree, dst, false);
  }
}

/**
 * Downloads the remote directory `src` into `localRoot` (created if missing), following
 * symbolic links (a link back to a directory being copied is refused), skipping excluded
 * entries without transferring them. Files are written atomically.
 */
export async function sftpDownloadTree(
  sftp: SftpSession,
  src: string,
  localRoot: string,
  exclude: ExcludeMatcher,
  signal: AbortSignal | undefined,
): Promise<void> {
  const top = await sftp.stat(src).catch((err: unknown) => {
    throw sftpError(err, src, 'download', signal);
  });
  if ((top.mode & S_IFMT) !== S_IFDIR) {
    throw new SdkError('PKR_ERR_COMM_TRANSFER', `cannot download ${src} as a directory: it is not one`, {
      details: { path: src },
    });
  }
  const walk = async (
    remote: string,
    local: string,
    rel: string,
    mode: number,
    mtime: number,
    seen: Set<string>,
  ) => {
    if (signal?.aborted) throw abortReason(signal);
    const real = await sftp.realpath(remote).catch(() => remote);
    if (seen.has(real)) {
      throw new SdkError(
        'PKR_ERR_COMM_TRANSFER',
        `${remote} links back to a directory being copied (a loop)`,
        {
          details: { path: remote },
        },
      );
    }
    const inside = new Set(seen).add(real);
    await mkdir(local, { recursive: true, mode: 0o700 });
    const entries = await sftp.readdir(remote).catch((err: unknown) => {
      throw sftpError(err, remote, 'download', signal);
    });
    entries.sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
    for (const entry of entries) {
      if (entry.filename === '.' || entry.filename === '..') continue;
      const childRemote = path.posix.join(remote, entry.filename);
      const childRel = rel === '' ? entry.filename : `${rel}/${entry.filename}`;
      let attrs = entry.attrs;
      if ((attrs.mode & S_IFMT) === S_IFLNK) {
        const followed = await sftp.stat(childRemote).catch(() => undefined);
        if (!followed) continue; // a dangling link has nothing to copy
        attrs = followed;
      }
      const type = attrs.mode & S_IFMT;
      if (type !== S_IFDIR && type !== S_IFREG) continue;
      if (exclude(childRel, type === S_IFDIR)) continue;
      const childLocal = path.join(local, entry.filename);
      if (type === S_IFDIR) {
        await walk(childRemote, childLocal, childRel, attrs.mode, attrs.mtime, inside);
      } else {
        const handle = await sftp.open(childRemote, 'r').catch((err: unknown) => {
          throw sftpError(err, childRemote, 'download', signal);
        });
        try {
          await writeFileAtomic(childLocal, sftp.readAll(handle), {
            mode: attrs.mode & 0o7777,
            mtime: new Date(attrs.mtime * 1000),
            ...(signal ? { signal } : {}),
          });
        } catch (err) {
          throw sftpError(err, childRemote, 'download', signal);
        } finally {
          await sftp.close(handle).catch(() => undefined);
        }
      }
    }
    await chmod(local, mode & 0o7777);
    await utimes(local, mtime, mtime);
  };
  await walk(src, localRoot, '', top.mode, top.mtime, new Set());
}

async function requireRemoteDir(
  sftp: SftpSession,
  dir: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const stats = await sftp.stat(dir).catch((err: unknown) => {
    throw sftpError(err, dir, 'upload', signal);
  });
  if ((stats.mode & S_IFMT) !== S_IFDIR) {
    throw new SdkError('PKR_ERR_COMM_REMOTE_PATH', `cannot upload into ${dir}: it is not a directory`, {
      details: { path: dir },
    });
  }
}

async function mkdirIfMissing(
  sftp: SftpSession,
  dir: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await sftp.mkdir(dir, 0o700);
  } catch (err) {
    const stats = await sftp.stat(dir).catch(() => undefined);
    if (!stats || (stats.mode & S_IFMT) !== S_IFDIR) throw sftpError(err, dir, 'upload', signal);
  }
}

/** Maps SFTP status codes and local failures to the communicator's coded errors. */
function sftpError(
  err: unknown,
  shown: string,
  verb: 'upload' | 'download',
  signal: AbortSignal | undefined,
): Error {
  if (signal?.aborted) return abortReason(signal);
  if (err instanceof SdkError) return err;
  const code = sftpCode(err);
  const message = (err as Error).message;
  if (code === SFTP_NO_SUCH_FILE) {
    return new SdkError(
      'PKR_ERR_COMM_REMOTE_PATH',
      `cannot ${verb} ${shown}: no such file or directory on the remote machine`,
      {
        cause: err,
        details: { path: shown },
      },
    );
  }
  const why = code === SFTP_PERMISSION_DENIED ? 'permission denied on the remote machine' : message;
  return new SdkError('PKR_ERR_COMM_TRANSFER', `cannot ${verb} ${shown} over SFTP: ${why}`, {
    cause: err,
    details: { path: shown },
  });
}
