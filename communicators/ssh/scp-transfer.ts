import { createReadStream } from 'node:fs';
import { chmod, mkdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { abortReason } from '../../engine/clock.js';
import { SdkError } from '../../errors/index.js';
import type { FileInfo } from '../communicator.js';
import { onAbort } from '../shared/abort.js';
import { writeFileAtomic } from '../shared/atomic-write.js';
import type { ExcludeMatcher } from '../shared/exclude.js';
import type { LocalDirNode, LocalFileNode } from '../shared/local-tree.js';
import { shellQuote } from '../shared/shell-quote.js';
import { copyToWritable } from '../shared/stream-copy.js';
import type { ExecChannel } from './exec.js';
import { dirRecord, fileRecord, parseRecord, SCP_END, SCP_OK, timesRecord } from './scp-protocol.js';
import { spoolToTempFile } from './spool.js';
import { StreamReader } from './stream-reader.js';

/** What the SCP functions need from the communicator. */
export interface ScpContext {
  /** Starts a command on an exec channel (no pty). */
  exec(command: string): Promise<ExecChannel>;
  /** Runs a command and resolves with its exit status (best-effort cleanup). */
  run(command: string): Promise<number>;
  signal?: AbortSignal;
}

/** The two directions of one scp exchange. */
interface ScpIo {
  reader: StreamReader;
  write(data: Buffer): Promise<void>;
  /** Reads the peer's status byte; throws its message on a warning or error. */
  status(): Promise<void>;
}

/**
 * Uploads one file with `scp -t`. The size must be known up front: `fileInfo.size` when
 * given, otherwise the source is spooled to a private temp file first (never to memory).
 */
export async function scpUpload(
  ctx: ScpContext,
  dst: string,
  src: Readable,
  fileInfo?: FileInfo,
): Promise<void> {
  if (fileInfo && Number.isSafeInteger(fileInfo.size) && fileInfo.size >= 0) {
    return scpUploadSized(ctx, dst, src, fileInfo.size, fileInfo.mode, fileInfo.modTime);
  }
  const spooled = await spoolToTempFile(src, ctx.signal);
  try {
    const stream = createReadStream(spooled.path, { highWaterMark: 256 * 1024 });
    await scpUploadSized(ctx, dst, stream, spooled.size, fileInfo?.mode ?? 0o644, fileInfo?.modTime);
  } finally {
    await spooled.dispose();
  }
}

async function scpUploadSized(
  ctx: ScpContext,
  dst: string,
  src: Readable | AsyncIterable<Buffer>,
  size: number,
  mode: number,
  modTime: Date | undefined,
): Promise<void> {
  const dir = path.posix.dirname(dst);
  const name = path.posix.basename(dst);
  let created = false;
  // -d: the target must be a directory (otherwise scp would write to `dir` itself);
  // -p: apply the mode exactly and take the T record's times.
  await scpSession(
    ctx,
    `scp -p -d -t ${remoteArg(dir)}`,
    dst,
    'upload',
    async (io) => {
      await io.status();
      if (modTime) {
        await io.write(timesRecord(modTime));
        await io.status();
      }
      await io.write(fileRecord(mode, size, name));
      await io.status();
      created = true;
      await sendContent(io, src, size, dst);
      created = false;
    },
    async () => {
      if (created) await ctx.run(`rm -f ${remoteArg(dst)}`).catch(() => undefined);
    },
  );
}

async function sendContent(
  io: ScpIo,
  src: AsyncIterable<Buffer | string>,
  size: number,
  shown: string,
): Promise<void> {
  let sent = 0;
  for await (const chunk of src) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    sent += buf.length;
    if (sent > size) throw sizeMismatch(shown, size, `more than ${size}`);
    await io.write(buf);
  }
  if (sent !== size) throw sizeMismatch(shown, size, String(sent));
  await io.write(SCP_OK);
  await io.status();
}

function sizeMismatch(shown: string, size: number, got: string): SdkError {
  return new SdkError(
    'PKR_ERR_COMM_TRANSFER',
    `cannot upload ${shown}: the source was announced as ${size} bytes but delivered ${got}`,
    { details: { path: shown } },
  );
}

/**
 * Uploads a walked local tree with `scp -r -t`. `includeRoot` sends the tree's own
 * directory (no trailing slash on the source); otherwise only its children.
 */
export async function scpUploadTree(
  ctx: ScpContext,
  dst: string,
  tree: LocalDirNode,
  includeRoot: boolean,
): Promise<void> {
  const sendFile = async (io: ScpIo, node: LocalFileNode): Promise<void> => {
    await io.write(timesRecord(node.mtime));
    await io.status();
    await io.write(fileRecord(node.mode, node.size, node.name));
    await io.status();
    await sendContent(io, createReadStream(node.path, { highWaterMark: 256 * 1024 }), node.size, node.path);
  };
  const sendChildren = async (io: ScpIo, node: LocalDirNode): Promise<void> => {
    for (const child of node.children) {
      if (child.kind === 'dir') await sendDir(io, child);
      else await sendFile(io, child);
    }
  };
  const sendDir = async (io: ScpIo, node: LocalDirNode): Promise<void> => {
    await io.write(timesRecord(node.mtime));
    await io.status();
    await io.write(dirRecord(node.mode, node.name));
    await io.status();
    await sendChildren(io, node);
    await io.write(SCP_END);
    await io.status();
  };
  await scpSession(ctx, `scp -r -p -d -t ${remoteArg(dst)}`, dst, 'upload', async (io) => {
    await io.status();
    if (includeRoot) await sendDir(io, tree);
    else await sendChildren(io, tree);
  });
}

/** Downloads one remote file with `scp -f` into `dst` (not ended). */
export async function scpDownload(ctx: ScpContext, src: string, dst: Writable): Promise<void> {
  await scpSession(ctx, `scp -f ${remoteArg(src)}`, src, 'download', async (io) => {
    await io.write(SCP_OK);
    for (;;) {
      const line = await io.reader.readLine();
      if (line === null) throw new Error('the remote scp ended without sending the file');
      const record = parseRecord(line);
      if (record.kind === 'error') throw new Error(record.message);
      if (record.kind === 'times') {
        await io.write(SCP_OK);
        continue;
      }
      if (record.kind !== 'file') {
        throw new SdkError(
          'PKR_ERR_COMM_TRANSFER',
          `cannot download ${src}: it is a directory (use downloadDir)`,
          {
            details: { path: src },
          },
        );
      }
      await io.write(SCP_OK);
      await copyToWritable(io.reader.take(record.size), dst, ctx.signal);
      await io.status();
      await io.write(SCP_OK);
      return;
    }
  });
}

/**
 * Downloads a remote directory with `scp -r -p -f` into `localRoot` (created if missing),
 * each file written atomically. Excluded entries are still sent by the remote scp (the
 * protocol cannot skip) but are not written.
 */
export async function scpDownloadTree(
  ctx: ScpContext,
  src: string,
  localRoot: string,
  exclude: ExcludeMatcher,
): Promise<void> {
  await scpSession(ctx, `scp -r -p -f ${remoteArg(src)}`, src, 'download', async (io) => {
    await io.write(SCP_OK);
    // Each open directory: where it goes, its path relative to the root, its record.
    const stack: { local: string | undefined; rel: string; mode: number; mtime: number | undefined }[] = [];
    let times: number | undefined;
    for (;;) {
      const line = await io.reader.readLine();
      if (line === null) {
        if (stack.length === 0) throw new Error('the remote scp ended without sending the directory');
        throw new Error('the remote scp ended in the middle of the directory');
      }
      const record = parseRecord(line);
      if (record.kind === 'error') throw new Error(record.message);
      if (record.kind === 'times') {
        times = record.mtime;
        await io.write(SCP_OK);
        continue;
      }
      const parent = stack[stack.length - 1];
      if (record.kind === 'end') {
        const done = stack.pop();
        if (!done) throw new Error('the remote scp closed a directory it never opened');
        if (done.local) {
          await chmod(done.local, done.mode);
          if (done.mtime !== undefined) await utimes(done.local, done.mtime, done.mtime);
        }
        await io.write(SCP_OK);
        if (stack.length === 0) return;
        continue;
      }
      if (!parent) {
        if (record.kind !== 'dir') {
          throw new SdkError('PKR_ERR_COMM_TRANSFER', `cannot download ${src} as a directory: it is a file`, {
            details: { path: src },
          });
        }
        await mkdir(localRoot, { recursive: true, mode: 0o700 });
        stack.push({ local: localRoot, rel: '', mode: record.mode, mtime: times });
        times = undefined;
        await io.write(SCP_OK);
        continue;
      }
      const rel = parent.rel === '' ? record.name : `${parent.rel}/${record.name}`;
      const skip = parent.local === undefined || exclude(rel, record.kind === 'dir');
      const local = skip ? undefined : path.join(parent.local!, record.name);
      if (record.kind === 'dir') {
        if (local) await mkdir(local, { recursive: true, mode: 0o700 });
        stack.push({ local, rel, mode: record.mode, mtime: times });
        times = undefined;
        await io.write(SCP_OK);
        continue;
      }
      const mtime = times;
      times = undefined;
      await io.write(SCP_OK);
      if (local) {
        await writeFileAtomic(local, io.reader.take(record.size), {
          mode: record.mode,
          ...(mtime !== undefined ? { mtime: new Date(mtime * 1000) } : {}),
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
      } else {
        for await (const _chunk of io.reader.take(record.size)) {
          // Excluded: read past it.
        }
      }
      await io.status();
      await io.write(SCP_OK);
    }
  });
}

/** A remote path as an scp argument: shell-quoted, never taken for an option. */
function remoteArg(p: string): string {
  return shellQuote(p.startsWith('-') ? `./${p}` : p);
}

/**
 * Runs one scp exchange on an exec channel: the body speaks the protocol, then stdin is
 * closed and the exit status checked. Any failure (or cancellation) closes the channel, runs
 * `onFailure` (to remove a partial remote file) and is reported as a coded error that quotes
 * the remote scp's own message.
 */
async function scpSession(
  ctx: ScpContext,
  command: string,
  shown: string,
  verb: 'upload' | 'download',
  body: (io: ScpIo) => Promise<void>,
  onFailure?: () => Promise<void>,
): Promise<void> {
  if (ctx.signal?.aborted) throw abortReason(ctx.signal);
  const { channel, exit } = await ctx.exec(command);
  let stderr = '';
  channel.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8192);
  });
  let closed = false;
  const closedPromise = new Promise<void>((resolve) =>
    channel.once('close', () => {
      closed = true;
      resolve();
    }),
  );
  channel.on('error', () => undefined);
  // A write waiting for 'drain' must also wake on cancellation: ssh2 emits 'close' only
  // once the channel's output was read, which nobody does while the body is writing.
  let wakeWriter: (() => void) | undefined;
  const stopListening = onAbort(ctx.signal, () => {
    channel.close();
    wakeWriter?.();
  });
  const reader = new StreamReader(channel);
  const io: ScpIo = {
    reader,
    write: async (data) => {
      if (ctx.signal?.aborted) throw abortReason(ctx.signal);
      if (closed) throw new Error('the remote scp closed the channel');
      if (!channel.write(data)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            channel.off('drain', done);
            channel.off('close', done);
            wakeWriter = undefined;
            resolve();
          };
          wakeWriter = done;
          channel.once('drain', done);
          channel.once('close', done);
        });
        if (ctx.signal?.aborted) throw abortReason(ctx.signal);
        if (closed) throw new Error('the remote scp closed the channel');
      }
    },
    status: async () => {
      const code = await reader.readByte();
      if (code === 0) return;
      if (code === null) throw new Error('the remote scp ended without answering');
      const message = (await reader.readLine()) ?? '';
      throw new Error(message.trim() || `scp status ${code}`);
    },
  };
  try {
    await body(io);
    channel.end();
    void reader.drain();
    await closedPromise;
    if (exit.status === undefined) throw new Error('the connection dropped before scp finished');
    if (exit.status !== 0) throw new Error(lastLine(stderr) || `scp exited with ${exit.status}`);
  } catch (err) {
    channel.close();
    void reader.drain();
    await closedPromise;
    await onFailure?.();
    throw scpError(err, shown, verb, exit.status, stderr, ctx.signal);
  } finally {
    stopListening();
  }
}

function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('debug') && !l.startsWith('Sink:') && !l.startsWith('Sending'))
      .pop() ?? ''
  );
}

function scpError(
  err: unknown,
  shown: string,
  verb: 'upload' | 'download',
  status: number | undefined,
  stderr: string,
  signal: AbortSignal | undefined,
): Error {
  if (signal?.aborted) return abortReason(signal);
  if (err instanceof SdkError) return err;
  const message = (err as Error).message;
  if (status === 127 || /command not found|scp: not found/.test(stderr)) {
    return new SdkError(
      'PKR_ERR_COMM_TRANSFER',
      `cannot ${verb} ${shown}: scp is not installed on the remote machine; set ssh_file_transfer_method = "sftp"`,
      { cause: err, details: { path: shown } },
    );
  }
  if (/No such file or directory/i.test(message)) {
    return new SdkError('PKR_ERR_COMM_REMOTE_PATH', `cannot ${verb} ${shown}: ${message}`, {
      cause: err,
      details: { path: shown },
    });
  }
  return new SdkError('PKR_ERR_COMM_TRANSFER', `cannot ${verb} ${shown} with scp: ${message}`, {
    cause: err,
    details: { path: shown },
  });
}
