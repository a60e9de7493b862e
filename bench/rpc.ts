/**
 * Wire-protocol figures, each against a reference measured in the same run:
 * - yamux throughput over a unix socket (1 stream, 16 streams) vs the raw socket;
 * - net/rpc + msgpack round trips per second over a yamux stream (sequential and 64 in flight);
 * - a plugin's spawn→handshake time vs bare `node -e 0` (plugin bundled with code splitting,
 *   components loaded lazily, as the packaging CLI does).
 * Targets: throughput ≥ 0.7 of raw; spawn→handshake ≤ 1.15 × bare node.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { bundlePluginEntry } from '../cli/bundle.js';
import { RpcClient, RpcServer } from '../rpc/netrpc/index.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../rpc/plugin/constants.js';
import { YamuxSession } from '../rpc/yamux/index.js';
import { median, mib, timeToFirstLine, unixSocketPair } from './support.js';

const TOTAL = 256 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 7);

/** Writes `bytes` into `out` honouring backpressure; resolves when `into` has read them all. */
function pump(out: Duplex, into: Duplex, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    let received = 0;
    into.on('data', (c: Buffer) => {
      received += c.length;
      if (received >= bytes) resolve();
    });
    let sent = 0;
    const write = (): void => {
      while (sent < bytes) {
        const n = Math.min(CHUNK.length, bytes - sent);
        sent += n;
        if (!out.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
          out.once('drain', write);
          return;
        }
      }
    };
    write();
  });
}

async function rawThroughput(): Promise<number> {
  const pair = await unixSocketPair();
  const start = performance.now();
  await pump(pair.a, pair.b, TOTAL);
  const ms = performance.now() - start;
  pair.close();
  return ms;
}

async function yamuxThroughput(streams: number): Promise<number> {
  const pair = await unixSocketPair();
  const client = new YamuxSession(pair.a, { role: 'client', keepAliveIntervalMs: 0 });
  const server = new YamuxSession(pair.b, { role: 'server', keepAliveIntervalMs: 0 });
  const accepted: Promise<Duplex>[] = [];
  for (let i = 0; i < streams; i++) accepted.push(server.accept());
  const opened = await Promise.all(Array.from({ length: streams }, () => client.open()));
  // Open streams only exist on the peer once data (or the SYN) arrives; the SYN already did.
  const peers = await Promise.all(accepted);
  const start = performance.now();
  await Promise.all(opened.map((s, i) => pump(s, peers[i]!, TOTAL / streams)));
  const ms = performance.now() - start;
  client.destroy();
  server.destroy();
  pair.close();
  return ms;
}

async function rpcRoundTrips(inFlight: number, calls: number): Promise<number> {
  const pair = await unixSocketPair();
  const client = new YamuxSession(pair.a, { role: 'client', keepAliveIntervalMs: 0 });
  const server = new YamuxSession(pair.b, { role: 'server', keepAliveIntervalMs: 0 });
  const rpcServer = new RpcServer();
  rpcServer.register('Ui', { Say: async () => null });
  const served = server.accept().then((s) => rpcServer.serve(s));
  const rpc = new RpcClient(await client.open());
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < calls) await rpc.call('Ui.Say', 'a line of build output');
    }),
  );
  const ms = performance.now() - start;
  client.destroy();
  server.destroy();
  pair.close();
  void served;
  return (calls / ms) * 1000;
}

async function handshake(rounds: number): Promise<{ bare: number; plugin: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-plugin-'));
  try {
    const main = await bundlePluginEntry(
      fileURLToPath(new URL('./fixtures/lazy-plugin/main.ts', import.meta.url)),
      dir,
    );
    // The plugin is killed right after its handshake, before anything connects, so its socket
    // directory (removed on accept) stays behind: give it a TMPDIR that is removed with `dir`.
    const env = { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, TMPDIR: dir };
    const bare: number[] = [];
    const plugin: number[] = [];
    for (let i = 0; i < rounds; i++) {
      bare.push(await timeToFirstLine(['-e', 'process.stdout.write("x\\n")'], {}));
      plugin.push(await timeToFirstLine([main, 'start', 'builder', 'smoke'], env));
    }
    return { bare: median(bare), plugin: median(plugin) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rawMs = median([await rawThroughput(), await rawThroughput(), await rawThroughput()]);
const one = median([await yamuxThroughput(1), await yamuxThroughput(1), await yamuxThroughput(1)]);
const sixteen = median([await yamuxThroughput(16), await yamuxThroughput(16), await yamuxThroughput(16)]);
console.log(`yamux throughput, ${TOTAL / 1024 / 1024} MiB over a unix socket (median of 3)`);
console.log(`  raw socket              ${mib(TOTAL, rawMs)}`);
console.log(
  `  yamux, 1 stream         ${mib(TOTAL, one)}  ratio ${(rawMs / one).toFixed(2)} of raw (target >= 0.7)`,
);
console.log(
  `  yamux, 16 streams       ${mib(TOTAL, sixteen)}  ratio ${(rawMs / sixteen).toFixed(2)} of raw (target >= 0.7)`,
);

const sequential = await rpcRoundTrips(1, 20_000);
const concurrent = await rpcRoundTrips(64, 50_000);
console.log('net/rpc + msgpack over yamux (Ui.Say with a short string)');
console.log(`  sequential              ${sequential.toFixed(0)} calls/s`);
console.log(`  64 in flight            ${concurrent.toFixed(0)} calls/s`);

const hs = await handshake(31);
console.log('plugin spawn -> handshake line (median of 31, lazily loaded components)');
console.log(`  bare node               ${hs.bare.toFixed(1)} ms`);
console.log(
  `  plugin                  ${hs.plugin.toFixed(1)} ms  ratio ${(hs.plugin / hs.bare).toFixed(2)} (target <= 1.15)`,
);
