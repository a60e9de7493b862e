import type { Readable, Writable } from 'node:stream';
import { SdkError } from '../../errors/index.js';
import type { Communicator, FileInfo, RemoteCommand, StartedCommand } from '../communicator.js';

/**
 * The communicator of builds that have no machine to reach (`communicator = "none"`): every
 * operation is refused with a coded error that names it, so a provisioner attached by
 * mistake fails clearly instead of hanging.
 */
export class NoneCommunicator implements Communicator {
  async start(cmd: RemoteCommand): Promise<StartedCommand> {
    throw refuse(`run the command ${JSON.stringify(cmd.command)}`);
  }

  async upload(dst: string, _src: Readable, _fileInfo?: FileInfo): Promise<void> {
    throw refuse(`upload to ${dst}`);
  }

  async uploadDir(dst: string, src: string): Promise<void> {
    throw refuse(`upload the directory ${src} to ${dst}`);
  }

  async download(src: string, _dst: Writable): Promise<void> {
    throw refuse(`download ${src}`);
  }

  async downloadDir(src: string, dst: string): Promise<void> {
    throw refuse(`download the directory ${src} to ${dst}`);
  }

  async close(): Promise<void> {}
}

function refuse(what: string): SdkError {
  return new SdkError(
    'PKR_ERR_COMM_NONE',
    `cannot ${what}: the communicator is "none", so there is no machine to reach`,
    { details: { operation: what } },
  );
}
