import { stat } from 'node:fs/promises';
import { Writable, type Readable } from 'node:stream';
import { abortReason } from '../../engine/clock.js';
import { SdkError } from '../../errors/index.js';
import type {
  Communicator,
  CommunicatorCallOptions,
  FileInfo,
  RemoteCommand,
  StartedCommand,
} from '../communicator.js';
import { throwIfAborted } from '../shared/abort.js';
import { copiesDirectoryItself, copyRoot } from '../shared/dir-target.js';
import { createExcludeMatcher } from '../shared/exclude.js';
import { readLocalTree } from '../shared/local-tree.js';
import { dialSsh, type PreparedSsh, type SshConnection } from './dial.js';
import { commandRefused, isAgentForwardRefusal, openExec, runOnChannel, type ExecChannel } from './exec.js';
import type { HostKeyInfo } from './host-key.js';
import { scpDownload, scpDownloadTree, scpUpload, scpUploadTree, type ScpContext } from './scp-transfer.js';
import { sftpDownload, sftpDownloadTree, sftpUpload, sftpUploadTree, withSftp } from './sftp-transfer.js';

/**
 * The SSH communicator: commands on exec channels, files over SCP (default, as in Packer)
 * or SFTP. Get one from {@link connectSsh} (which waits and retries) or StepConnect.
 *
 * If the connection drops, a running command reports EXIT_STATUS_DISCONNECTED and the next
 * operation reconnects once (one attempt, like the Go SDK), so provisioners that expect a
 * reboot can carry on.
 */
export class SshCommunicator implements Communicator {
  readonly #prepared: PreparedSsh;
  #connection: SshConnection;
  #reconnecting: Promise<SshConnection> | undefined;
  #closed = false;
  #agentForward: boolean;

  /** Wraps an established connection; use {@link connectSsh} to make one. */
  constructor(prepared: PreparedSsh, connection: SshConnection) {
    this.#prepared = prepared;
    this.#connection = connection;
    this.#agentForward = prepared.forwardAgent !== undefined;
  }

  /** The host key the server presented on the current connection. */
  get hostKey(): HostKeyInfo | undefined {
    return this.#connection.hostKey;
  }

  /** True while the underlying connection is up. */
  get connected(): boolean {
    return !this.#closed && this.#connection.alive;
  }

  /** The address this communicator reaches. */
  get address(): { host: string; port: number } {
    return { host: this.#prepared.options.host, port: this.#prepared.options.port ?? 22 };
  }

  async start(cmd: RemoteCommand, options: CommunicatorCallOptions = {}): Promise<StartedCommand> {
    const channel = await this.#exec(cmd.command, this.#prepared.options.pty ?? false, options.signal);
    return runOnChannel(channel, cmd, options.signal);
  }

  async upload(
    dst: string,
    src: Readable,
    fileInfo?: FileInfo,
    options: CommunicatorCallOptions = {},
  ): Promise<void> {
    const { signal } = options;
    if (this.#sftp) {
      const conn = await this.#live(signal);
      await withSftp(conn.client, signal, (sftp) => sftpUpload(sftp, dst, src, fileInfo, signal));
    } else {
      await scpUpload(this.#scp(signal), dst, src, fileInfo);
    }
  }

  async uploadDir(
    dst: string,
    src: string,
    exclude: readonly string[] = [],
    options: CommunicatorCallOptions = {},
  ): Promise<void> {
    const { signal } = options;
    throwIfAborted(signal);
    const tree = await readLocalTree(src, {
      exclude: createExcludeMatcher(exclude),
      ...(signal ? { signal } : {}),
    });
    const includeRoot = copiesDirectoryItself(src);
    if (this.#sftp) {
      const conn = await this.#live(signal);
      await withSftp(conn.client, signal, (sftp) => sftpUploadTree(sftp, dst, tree, includeRoot, signal));
    } else {
      await scpUploadTree(this.#scp(signal), dst, tree, includeRoot);
    }
  }

  async download(src: string, dst: Writable, options: CommunicatorCallOptions = {}): Promise<void> {
    const { signal } = options;
    if (this.#sftp) {
      const conn = await this.#live(signal);
      await withSftp(conn.client, signal, (sftp) => sftpDownload(sftp, src, dst, signal));
    } else {
      await scpDownload(this.#scp(signal), src, dst);
    }
  }

  async downloadDir(
    src: string,
    dst: string,
    exclude: readonly string[] = [],
    options: CommunicatorCallOptions = {},
  ): Promise<void> {
    const { signal } = options;
    throwIfAborted(signal);
    const dstStats = await stat(dst).catch(() => undefined);
    if (!dstStats?.isDirectory()) {
      throw new SdkError('PKR_ERR_COMM_LOCAL_PATH', `destination directory ${dst} does not exist`, {
        details: { path: dst },
      });
    }
    const localRoot = copyRoot(dst, src, 'local');
    const matcher = createExcludeMatcher(exclude);
    if (this.#sftp) {
      const conn = await this.#live(signal);
      await withSftp(conn.client, signal, (sftp) => sftpDownloadTree(sftp, src, localRoot, matcher, signal));
    } else {
      await scpDownloadTree(this.#scp(signal), src, localRoot, matcher);
    }
  }

  /** Ends the connection. Later operations fail with `PKR_ERR_COMM_CLOSED`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#connection.close();
  }

  /**
   * Runs `command` and collects its output (for small helper commands, e.g. cleanup).
   * Resolves with the exit status and the output as text.
   */
  async run(
    command: string,
    options: CommunicatorCallOptions = {},
  ): Promise<{ status: number; output: string }> {
    const exec = await this.#exec(command, false, options.signal);
    let output = '';
    const collect = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    const { exited } = runOnChannel(exec, { command, stdout: collect, stderr: collect }, options.signal);
    return { status: await exited, output };
  }

  get #sftp(): boolean {
    return this.#prepared.options.fileTransferMethod === 'sftp';
  }

  #scp(signal: AbortSignal | undefined): ScpContext {
    return {
      exec: (command) => this.#exec(command, false, signal),
      run: async (command) => (await this.run(command)).status,
      ...(signal ? { signal } : {}),
    };
  }

  /** Opens an exec channel, reconnecting once if the connection had dropped. */
  async #exec(command: string, pty: boolean, signal: AbortSignal | undefined): Promise<ExecChannel> {
    for (let attempt = 0; ; attempt++) {
      const conn = await this.#live(signal);
      try {
        return await openExec(conn.client, command, { pty, agentForward: this.#agentForward });
      } catch (err) {
        if (signal?.aborted) throw abortReason(signal);
        if (this.#agentForward && isAgentForwardRefusal(err)) {
          // The server refuses agent forwarding: run commands without it from now on.
          this.#agentForward = false;
          continue;
        }
        if (!conn.alive && attempt === 0) continue;
        throw commandRefused(command, err);
      }
    }
  }

  /** The current connection, re-dialled (one attempt) when it dropped. */
  async #live(signal: AbortSignal | undefined): Promise<SshConnection> {
    throwIfAborted(signal);
    if (this.#closed) {
      throw new SdkError('PKR_ERR_COMM_CLOSED', 'the SSH communicator was closed');
    }
    if (this.#connection.alive) return this.#connection;
    this.#reconnecting ??= dialSsh(this.#prepared, signal).finally(() => {
      this.#reconnecting = undefined;
    });
    const connection = await this.#reconnecting;
    if (this.#closed) {
      await connection.close();
      throw new SdkError('PKR_ERR_COMM_CLOSED', 'the SSH communicator was closed');
    }
    this.#connection = connection;
    return connection;
  }
}
