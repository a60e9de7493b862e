// Run as a child process by lifecycle.spec.ts: exercises sessions with Go's default timers
// (keep-alive 30 s, open 75 s, close 5 min), ends them, and then must exit on its own.
import { YamuxSession } from '../../../../rpc/yamux/session.js';
import { cleanupSocketPairs, socketPair } from './socket-pair.js';

async function scenario(end: 'close' | 'vanish'): Promise<void> {
  const { a, b } = await socketPair();
  const client = new YamuxSession(a, { role: 'client' });
  const server = new YamuxSession(b, { role: 'server', acceptBacklog: 1 });
  const streams = await Promise.all([client.open(), server.accept()]);
  for (const stream of streams) stream.on('error', () => undefined);
  streams[0].end('half-closed'); // arms the 5-minute close timer
  await client.ping();
  const unanswered = client.open().then(
    () => 'resolved',
    () => 'rejected',
  ); // arms the 75 s open timer (never ACKed)
  const closed = new Promise((resolve) => client.once('close', resolve));
  if (end === 'close') await client.close();
  else b.destroy();
  await closed;
  process.stdout.write(`${end}: open ${await unanswered}\n`);
  cleanupSocketPairs();
}

await scenario('close');
await scenario('vanish');
process.stdout.write('done\n');
