import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Two connected ends of a real unix socket in a fresh temp dir. */
export interface SocketPair {
  /** The dialing end. */
  readonly a: net.Socket;
  /** The accepted end. */
  readonly b: net.Socket;
}

const cleanups: (() => void)[] = [];

/** A real unix-socket connection; `cleanupSocketPairs()` (in `afterEach`) tears every one down. */
export async function socketPair(): Promise<SocketPair> {
  const dir = mkdtempSync(join(tmpdir(), 'yamux-spec-'));
  const path = join(dir, 'conn.sock');
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const a = net.connect(path);
  await new Promise<void>((resolve, reject) => {
    a.once('error', reject);
    a.once('connect', () => resolve());
  });
  const b = await accepted;
  // One connection per listener, as Packer's plugin server does.
  server.close();
  cleanups.push(() => {
    a.destroy();
    b.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  return { a, b };
}

export function cleanupSocketPairs(): void {
  for (const cleanup of cleanups.splice(0)) cleanup();
}
