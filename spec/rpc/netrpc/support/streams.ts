import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';

/**
 * A Duplex whose far end is the test: `feed` plays the peer's bytes, `written` collects what
 * the code under test wrote (one entry per write, as Go flushes one message per write).
 */
export class MemoryStream extends Duplex {
  readonly written: Buffer[] = [];

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.written.push(chunk);
    this.emit('written', chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.emit('ended-writing');
    callback();
  }

  feed(bytes: Uint8Array): void {
    this.push(Buffer.from(bytes));
  }

  /** The peer stops sending (EOF). */
  endInput(): void {
    this.push(null);
  }

  allWritten(): Buffer {
    return Buffer.concat(this.written);
  }

  /** Resolves with the next write. */
  async nextWrite(): Promise<Buffer> {
    const [chunk] = (await once(this, 'written')) as [Buffer];
    return chunk;
  }
}

/** Two ends of a real unix socket in a fresh temp dir; `close()` ends both and removes it. */
export interface SocketPair {
  readonly left: Socket;
  readonly right: Socket;
  close(): Promise<void>;
}

export async function socketPair(): Promise<SocketPair> {
  const dir = mkdtempSync(join(tmpdir(), 'netrpc-spec-'));
  const path = join(dir, 'rpc.sock');
  const server = createServer();
  server.listen(path);
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[Socket]>;
  const left = createConnection(path);
  await once(left, 'connect');
  const [right] = await accepted;
  server.close();
  return {
    left,
    right,
    close: async () => {
      for (const socket of [left, right]) socket.destroy();
      await Promise.all([left, right].filter((s) => !s.closed).map((s) => once(s, 'close')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
