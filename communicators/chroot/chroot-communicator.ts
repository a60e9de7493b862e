import { realpath, stat } from 'node:fs/promises';
import { SdkError } from '../../errors/index.js';
import { HostCommunicator, type HostProcess } from '../shared/host-communicator.js';
import { machinePathOf, resolveChrootPath } from './chroot-path.js';

export interface ChrootCommunicatorOptions {
  /** The directory that becomes `/` for commands. */
  root: string;
  /** Shell inside the chroot that runs each command line. Default `/bin/sh`. */
  shell?: string;
  /** The chroot program on this host. Default `chroot` (found through PATH). */
  chrootCommand?: string;
}

/**
 * Runs commands inside a chroot (`chroot ROOT /bin/sh -c COMMAND`) and maps file transfers
 * into ROOT, refusing paths that would lead outside it. Needs root: create it with
 * {@link createChrootCommunicator}, which checks.
 */
export class ChrootCommunicator extends HostCommunicator {
  /** The canonical chroot directory. */
  readonly root: string;
  readonly #shell: string;
  readonly #chroot: string;

  /**
   * Prefer {@link createChrootCommunicator}, which also checks `root`; this constructor
   * trusts it to be a canonical directory.
   * @throws SdkError `PKR_ERR_CHROOT_NOT_ROOT` when not running as root.
   */
  constructor(root: string, options: Omit<ChrootCommunicatorOptions, 'root'> = {}) {
    super();
    requireRoot();
    this.root = root;
    this.#shell = options.shell ?? '/bin/sh';
    this.#chroot = options.chrootCommand ?? 'chroot';
  }

  protected processFor(command: string): HostProcess {
    return { file: this.#chroot, args: [this.root, this.#shell, '-c', command], cwd: '/' };
  }

  protected hostPath(machinePath: string): Promise<string> {
    return resolveChrootPath(this.root, machinePath);
  }

  protected resolveLink(hostLinkPath: string): Promise<string> {
    return resolveChrootPath(this.root, machinePathOf(this.root, hostLinkPath));
  }

  async close(): Promise<void> {}
}

/**
 * Checks that we run as root and that `root` is a directory, then returns a chroot
 * communicator for it.
 * @throws SdkError `PKR_ERR_CHROOT_NOT_ROOT` when not root, `PKR_ERR_COMM_LOCAL_PATH` when
 * `root` is not a directory.
 */
export async function createChrootCommunicator(
  options: ChrootCommunicatorOptions,
): Promise<ChrootCommunicator> {
  requireRoot();
  const stats = await stat(options.root).catch(() => undefined);
  if (!stats?.isDirectory()) {
    throw new SdkError('PKR_ERR_COMM_LOCAL_PATH', `chroot directory ${options.root} does not exist`, {
      details: { path: options.root },
    });
  }
  return new ChrootCommunicator(await realpath(options.root), options);
}

function requireRoot(): void {
  const uid = process.getuid?.();
  if (uid !== 0) {
    throw new SdkError(
      'PKR_ERR_CHROOT_NOT_ROOT',
      `the chroot communicator needs root, but this process runs as uid ${uid ?? 'unknown'}`,
      { details: { uid } },
    );
  }
}
