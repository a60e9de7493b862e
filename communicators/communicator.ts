import type { Readable, Writable } from 'node:stream';

/** Metadata sent with an upload (Packer's `fileInfo{N, S, M, T}`). */
export interface FileInfo {
  name: string;
  size: number;
  /** Unix permission bits (os.FileMode's low bits). */
  mode: number;
  modTime?: Date;
}

/** A command to run on the machine a communicator reaches. */
export interface RemoteCommand {
  /** One shell command line, interpreted by the remote's shell. */
  command: string;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
}

/**
 * Exit status reported when the connection dropped before the command reported one. The
 * value matches the Go SDK's `packersdk.CmdDisconnect`, so Packer's provisioners treat it the
 * same way (e.g. `expect_disconnect`).
 */
export const EXIT_STATUS_DISCONNECTED = 2300218;

export interface StartedCommand {
  /**
   * Resolves with the exit status once the command ended and its stdout/stderr were
   * delivered to the streams given in the RemoteCommand.
   */
  readonly exited: Promise<number>;
}

export interface CommunicatorCallOptions {
  signal?: AbortSignal;
}

/**
 * How a builder reaches its machine: run commands and move files. Implemented by the SSH,
 * chroot, local and none communicators, by the RPC client a provisioner gets from core, and
 * served by builders to core while their provisioning hook runs.
 */
export interface Communicator {
  /** Starts `cmd` and resolves once it is running; `exited` then reports its status. */
  start(cmd: RemoteCommand, options?: CommunicatorCallOptions): Promise<StartedCommand>;
  /** Writes `src` to the remote path `dst`. */
  upload(dst: string, src: Readable, fileInfo?: FileInfo, options?: CommunicatorCallOptions): Promise<void>;
  /** Copies the local directory `src` to the remote `dst` (rsync-like trailing-slash rules). */
  uploadDir(
    dst: string,
    src: string,
    exclude?: readonly string[],
    options?: CommunicatorCallOptions,
  ): Promise<void>;
  /** Streams the remote file `src` into `dst`. */
  download(src: string, dst: Writable, options?: CommunicatorCallOptions): Promise<void>;
  /** Copies the remote directory `src` to the local `dst`. */
  downloadDir(
    src: string,
    dst: string,
    exclude?: readonly string[],
    options?: CommunicatorCallOptions,
  ): Promise<void>;
  /**
   * Releases the connection (if any). Optional: communicators served over RPC have nothing
   * to release. StepConnect calls it in its cleanup; calling it twice is harmless.
   */
  close?(): Promise<void>;
}
