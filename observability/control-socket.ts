import { chmodSync, lstatSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { describeError, SdkError } from '../errors/index.js';

/** Prefix of the private directories holding the real sockets. */
export const PRIVATE_DIR_PREFIX = '.packer-sdk-control-';
const SOCKET_NAME = 'control.sock';
// sun_path holds 108 bytes on Linux (104 on macOS), the terminating NUL included.
const MAX_SOCKET_PATH = 103;

/**
 * Where the control service's unix socket lives. The socket itself is created inside a
 * fresh 0700 directory next to the requested path (or under TMPDIR when that would make the
 * path too long for a socket), made 0600 once bound, and only then published at the
 * requested path as a symlink: nobody else can connect during the moment between bind and
 * chmod, and a client waiting for the path finds a socket that already accepts.
 */
export interface ControlSocket {
  /** The path the server binds (inside the private directory). */
  readonly listenPath: string;
  /** The path people use (PACKER_SDK_CONTROL), a symlink to `listenPath` once published. */
  readonly publicPath: string;
  /** Makes the socket 0600 and publishes the symlink; call after the server is bound. */
  publish(): void;
  /** Removes the symlink (if still ours) and the private directory. Never throws. */
  remove(): void;
}

/**
 * Prepares a control socket for `publicPath`. A leftover from a plugin that was killed (a
 * symlink or socket nobody answers on) is cleared first; a live one is refused with
 * PKR_ERR_CONTROL_LISTEN, so two builds never share a socket.
 */
export async function prepareControlSocket(publicPath: string): Promise<ControlSocket> {
  const wanted = resolve(publicPath);
  await clearStale(wanted);
  const nextTo = dirname(wanted);
  const base =
    join(nextTo, `${PRIVATE_DIR_PREFIX}XXXXXX`, SOCKET_NAME).length <= MAX_SOCKET_PATH ? nextTo : tmpdir();
  let dir: string;
  try {
    dir = mkdtempSync(join(base, PRIVATE_DIR_PREFIX)); // mode 0700
  } catch (cause) {
    throw new SdkError(
      'PKR_ERR_CONTROL_LISTEN',
      `cannot create a private directory in ${base}: ${describeError(cause)}`,
      {
        cause,
        details: { path: wanted },
      },
    );
  }
  const listenPath = join(dir, SOCKET_NAME);
  let published = false;
  return {
    listenPath,
    publicPath: wanted,
    publish(): void {
      chmodSync(listenPath, 0o600);
      try {
        symlinkSync(listenPath, wanted);
      } catch (cause) {
        throw new SdkError('PKR_ERR_CONTROL_LISTEN', `cannot create ${wanted}: ${describeError(cause)}`, {
          cause,
          details: { path: wanted },
        });
      }
      published = true;
    },
    remove(): void {
      try {
        if (published && readlinkSync(wanted) === listenPath) unlinkSync(wanted);
      } catch {
        // Already gone, or replaced by someone else's: leave it.
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function clearStale(path: string): Promise<void> {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return; // nothing there
  }
  if (!stat.isSymbolicLink() && !stat.isSocket()) {
    throw new SdkError('PKR_ERR_CONTROL_LISTEN', `${path} exists and is not a control socket`, {
      details: { path },
    });
  }
  if (await answers(path)) {
    throw new SdkError('PKR_ERR_CONTROL_LISTEN', `${path} is in use by another running build`, {
      details: { path },
    });
  }
  const target = stat.isSymbolicLink() ? readlinkSync(path) : undefined;
  unlinkSync(path);
  // The private directory of a killed plugin: remove it too, but only if it is one of ours.
  if (
    target &&
    basename(target) === SOCKET_NAME &&
    basename(dirname(target)).startsWith(PRIVATE_DIR_PREFIX)
  ) {
    rmSync(dirname(target), { recursive: true, force: true });
  }
}

/** True when something accepts connections on the unix socket at `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}
