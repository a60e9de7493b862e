import { Writable } from 'node:stream';
import type { Communicator } from 'packer-plugin-sdk';

/** Runs one command through a communicator, line by line to `onLine`; resolves with the exit status. */
export async function runRemote(
  comm: Communicator,
  command: string,
  onLine: (line: string, stream: 'stdout' | 'stderr') => Promise<void> | void,
  signal?: AbortSignal,
): Promise<number> {
  const pending: Promise<void>[] = [];
  const lines = (stream: 'stdout' | 'stderr'): Writable => {
    let partial = '';
    return new Writable({
      write(chunk: Buffer, _encoding, done) {
        const parts = (partial + chunk.toString()).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) {
          const r = onLine(line, stream);
          if (r) pending.push(r);
        }
        done();
      },
      final(done) {
        if (partial !== '') {
          const r = onLine(partial, stream);
          if (r) pending.push(r);
        }
        done();
      },
    });
  };
  const stdout = lines('stdout');
  const stderr = lines('stderr');
  const started = await comm.start({ command, stdout, stderr }, signal ? { signal } : {});
  const status = await started.exited;
  stdout.end();
  stderr.end();
  await Promise.all(pending);
  return status;
}
