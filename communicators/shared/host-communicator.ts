import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, stat, utimes } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { abortReason } from '../../engine/clock.js';
import { SdkError } from '../../errors/index.js';
import type {
  Communicator,
  CommunicatorCallOptions,
  FileInfo,
  RemoteCommand,
  StartedCommand,
} from '../communicator.js';
import { onAbort, throwIfAborted } from './abort.js';
import { writeFileAtomic } from './atomic-write.js';
import { copyRoot } from './dir-target.js';
import { createExcludeMatcher } from './exclude.js';
import { readLocalTree, type LocalDirNode } from './local-tree.js';
import { copyToWritable, forward } from './stream-copy.js';

// How long a cancelled command may take to honour SIGTERM before it gets SIGKILL.
const KILL_GRACE_MS = 2_000;

/** How a command is run on the host: a program and its arguments. */
export interface HostProcess {
  file: string;
  args: string[];
  cwd?: string;
}

/**
 * The shared body of the communicators that reach a machine through this host's file system
 * and processes (local, chroot). Subclasses say how a command is spawned and how a path on
 * "the machine" maps to a path here; everything else (streams, exit statuses, atomic file
 * writes, directory rules) behaves the same as over SSH.
 */
export abstract class HostCommunicator implements Communicator {
  /** The process that runs `command` through a shell. */
  protected abstract processFor(command: string): HostProcess;
  /** Maps a path on the machine to a path on this host, refusing what it must. */
  protected abstract hostPath(machinePath: string): Promise<string>;
  /** Resolves a symbolic link met while walking a machine directory. */
  protected abstract resolveLink(hostLinkPath: string): Promise<string>;

  async start(cmd: RemoteCommand, options: CommunicatorCallOptions = {}): Promise<StartedCommand> {
    throwIfAborted(options.signal);
    const spec = this.processFor(cmd.command);
    // A process group of its own, so cancelling stops the whole command tree.
    const child = spawn(spec.file, spec.args, {
      cwd: spec.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) =>
        reject(
          new SdkError('PKR_ERR_COMM_COMMAND', `could not start ${spec.file}: ${err.message}`, {
            cause: err,
            details: { command: cmd.command },
          }),
        ),
      );
    });
    // The child may exit before reading its stdin; EPIPE on a pipe it closed is expected.
    child.stdin.on('error', () => undefined);
    if (cmd.stdin) {
      cmd.stdin.pipe(child.stdin);
      cmd.stdin.once('error', () => child.stdin.destroy());
    } else {
      child.stdin.end();
    }
    const delivered = Promise.all([forward(child.stdout, cmd.stdout), forward(child.stderr, cmd.stderr)]);
    let settle: { resolve(status: number): void; reject(err: Error): void } | undefined;
    const exited = new Promise<number>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // Cancelling answers at once; the command gets SIGTERM, and SIGKILL if it ignores that.
    const stopListening = onAbort(options.signal, () => {
      killGroup(child.pid, 'SIGTERM');
      const force = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
      force.unref();
      child.once('close', () => clearTimeout(force));
      settle?.reject(abortReason(options.signal));
    });
    child.once('close', (code, signalName) => {
      stopListening();
      cmd.stdin?.unpipe(child.stdin);
      void delivered.then(() =>
        settle?.resolve(code ?? 128 + (signalName ? (osConstants.signals[signalName] ?? 0) : 0)),
      );
    });
    // Observed by the caller; keep an early cancellation from being reported as unhandled.
    exited.catch(() => undefined);
    return { exited };
  }

  async upload(
    dst: string,
    src: Readable,
    fileInfo?: FileInfo,
    options: CommunicatorCallOptions = {},
  ): Promise<void> {
    throwIfAborted(options.signal);
    const target = await this.hostPath(dst);
    await writeFileAtomic(target, src, {
      mode: fileInfo?.mode ?? 0o644,
      ...(fileInfo?.modTime ? { mtime: fileInfo.modTime } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    }).catch((err: unknown) => {
      throw transferError(err, dst, 'upload', options.signal);
    });
  }

  async uploadDir(
    dst: string,
    src: string,
    exclude: readonly string[] = [],
    options: CommunicatorCallOptions = {},
  ): Promise<void> {
    throwIfAborted(options.signal);
    const tree = await readLocalTree(src, {
      exclude: createExcludeMatcher(exclude),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    await this.#requireDirectory(await this.hostPath(dst), dst, 'PKR_ERR_COMM_REMOTE_PATH');
    const root = await this.hostPath(copyRoot(dst, src, 'posix'));
    await copyTree(tree, root, copyRoot(dst, src, 'posix'), options.signal);
  }

  async download(src: string, dst: Writable, options: CommunicatorCallOptions = {}): Promise<void> {
    throwIfAborted(options.signal);
    const source = await this.hostPath(src);
    const stats = await stat(source).catch((err: unknown) => {
      throw transferError(err, src, 'download', options.signal);
    });
    if (!stats.isFile()) {
      throw new SdkError('PKR_ERR_COMM_TRANSFER', `cannot download ${src}: it is not a regular file`, {
        details: { path: src },
      });
    }
    const stream = createReadStream(source, { highWaterMark: 256 * 1024 });
    try {
      await copyToWritable(stream, dst, options.signal);
    } catch (err) {
      throw transferError(err, src, 'download', options.signal);
    } finally {
      stream.destroy();
    }
  }

  async downloadDir(
    src: string,
    dst: string,
    exclude: readonly string[] = [],
    options: CommunicatorCallOptions = {},
  ): Promise<void> {
    throwIfAborted(options.signal);
    await this.#requireDirectory(dst, dst, 'PKR_ERR_COMM_LOCAL_PATH');
    const source = await this.hostPath(src);
    const tree = await readLocalTree(source, {
      exclude: createExcludeMatcher(exclude),
      resolveLink: (p) => this.resolveLink(p),
      ...(options.signal ? { signal: options.signal } : {}),
    }).catch((err: unknown) => {
      throw err instanceof SdkError && err.code === 'PKR_ERR_COMM_LOCAL_PATH'
        ? new SdkError('PKR_ERR_COMM_REMOTE_PATH', err.message.replace(source, src), {
            cause: err,
            details: { path: src },
          })
        : err;
    });
    const root = copyRoot(dst, src, 'local');
    await copyTree(tree, root, root, options.signal);
  }

  async #requireDirectory(
    hostDir: string,
    shown: string,
    code: 'PKR_ERR_COMM_REMOTE_PATH' | 'PKR_ERR_COMM_LOCAL_PATH',
  ): Promise<void> {
    const stats = await stat(hostDir).catch(() => undefined);
    if (!stats?.isDirectory()) {
      throw new SdkError(code, `destination directory ${shown} does not exist`, { details: { path: shown } });
    }
  }
}

/**
 * Copies a walked tree into `hostRoot` (created if missing): files atomically, directory
 * modes applied after their contents so a read-only directory can still be filled.
 */
async function copyTree(
  tree: LocalDirNode,
  hostRoot: string,
  shownRoot: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const fill = async (node: LocalDirNode, dir: string, shown: string): Promise<void> => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const child of node.children) {
      throwIfAborted(signal);
      const target = path.join(dir, child.name);
      const shownChild = `${shown}/${child.name}`;
      if (child.kind === 'dir') {
        await fill(child, target, shownChild);
      } else {
        await writeFileAtomic(target, createReadStream(child.path, { highWaterMark: 256 * 1024 }), {
          mode: child.mode,
          mtime: child.mtime,
          ...(signal ? { signal } : {}),
        }).catch((err: unknown) => {
          throw transferError(err, shownChild, 'copy', signal);
        });
      }
    }
    await chmod(dir, node.mode);
    await utimes(dir, node.mtime, node.mtime);
  };
  await fill(tree, hostRoot, shownRoot);
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Maps a file-system failure to the communicator's coded errors. */
export function transferError(
  err: unknown,
  shown: string,
  verb: string,
  signal: AbortSignal | undefined,
): Error {
  if (signal?.aborted) return abortReason(signal);
  if (err instanceof SdkError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' && verb !== 'copy') {
    return new SdkError('PKR_ERR_COMM_REMOTE_PATH', `cannot ${verb} ${shown}: no such file or directory`, {
      cause: err,
      details: { path: shown },
    });
  }
  return new SdkError('PKR_ERR_COMM_TRANSFER', `cannot ${verb} ${shown}: ${(err as Error).message}`, {
    cause: err,
    details: { path: shown },
  });
}
