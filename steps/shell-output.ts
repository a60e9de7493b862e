import { Writable } from 'node:stream';

/**
 * Packer's clean-up of an output line before it is shown: trailing whitespace goes, and of a
 * line redrawn with carriage returns (progress bars) only the last version is kept.
 */
export function cleanOutputLine(line: string): string {
  const trimmed = line.replace(/\s+$/u, '');
  const cr = trimmed.lastIndexOf('\r');
  return cr >= 0 ? trimmed.slice(cr + 1) : trimmed;
}

/**
 * A Writable that hands each line written to it to `emit`, in order and one at a time
 * (a slow Ui holds the command's output back). An unterminated last line is emitted when the
 * stream ends; lines are decoded as UTF-8 across chunk boundaries.
 */
export function createLineWriter(emit: (line: string) => Promise<void>): Writable {
  let pending = '';
  const decoder = new TextDecoder('utf-8');
  const emitLines = async (text: string): Promise<void> => {
    pending += text;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      await emit(cleanOutputLine(line));
    }
  };
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      emitLines(decoder.decode(chunk, { stream: true })).then(() => callback(), callback);
    },
    final(callback) {
      emitLines(decoder.decode())
        .then(async () => {
          if (pending !== '') await emit(cleanOutputLine(pending));
          pending = '';
        })
        .then(() => callback(), callback);
    },
  });
}

/** Ends `stream` and resolves once everything written to it was handled. */
export function endAndWait(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.writableFinished) return resolve();
    stream.once('finish', resolve);
    stream.once('error', reject);
    stream.end();
  });
}
