import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { isSdkError } from '../../../errors/index.js';
import { Flag, FrameType } from '../../../rpc/yamux/frame.js';
import type { YamuxStream } from '../../../rpc/yamux/stream.js';
import { closeOf, readAll, sessionPair, streamOutcome } from './support/peers.js';
import { cleanupSocketPairs } from './support/socket-pair.js';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Writes `data` in `chunk`-sized writes, honouring backpressure, then ends the stream. */
async function writeAll(stream: YamuxStream, data: Buffer, chunk = 64 * 1024): Promise<void> {
  for (let offset = 0; offset < data.length; offset += chunk) {
    if (!stream.write(data.subarray(offset, offset + chunk))) {
      await new Promise((resolve) => stream.once('drain', resolve));
    }
  }
  await new Promise<void>((resolve) => stream.end(resolve));
}

function expectCode(err: unknown, code: string): void {
  expect(isSdkError(err), String(err)).to.equal(true);
  expect((err as { code: string }).code).to.equal(code);
}

describe('rpc/yamux/session (two sessions over a real unix socket)', () => {
  afterEach(cleanupSocketPairs);

  it('opens with WindowUpdate+SYN and accepts with WindowUpdate+ACK, delta 0, as Go does', async () => {
    const { client, server, tap } = await sessionPair();
    const [opened, accepted] = await Promise.all([client.open(), server.accept()]);
    expect(opened.id).to.equal(1);
    expect(accepted.id).to.equal(1);
    const syn = await tap.waitFor((f) => f.dir === 'a->b' && f.frame.streamId === 1);
    const ack = await tap.waitFor((f) => f.dir === 'b->a' && f.frame.streamId === 1);
    expect(syn.frame).to.include({ type: FrameType.WindowUpdate, flags: Flag.SYN, length: 0 });
    expect(ack.frame).to.include({ type: FrameType.WindowUpdate, flags: Flag.ACK, length: 0 });

    opened.write('hello');
    const chunk = await new Promise<Buffer>((resolve) => accepted.once('data', resolve));
    expect(chunk.toString()).to.equal('hello');
    const data = await tap.waitFor((f) => f.frame.type === FrameType.Data);
    expect(data.frame).to.include({ flags: 0, streamId: 1, length: 5 });
  });

  it('uses odd ids on the client and even ids on the server, never reused', async () => {
    const { client, server } = await sessionPair();
    client.on('stream', () => undefined);
    server.on('stream', () => undefined);
    const clientIds = [];
    const serverIds = [];
    for (let i = 0; i < 3; i++) {
      clientIds.push((await client.open()).id);
      serverIds.push((await server.open()).id);
    }
    expect(clientIds).to.deep.equal([1, 3, 5]);
    expect(serverIds).to.deep.equal([2, 4, 6]);
  });

  it('moves 16 concurrent streams × 4 MiB each way intact, never beyond 256 KiB in flight per stream', async function () {
    this.timeout(60_000);
    const { client, server, tap } = await sessionPair();
    const perStream = 4 * 1024 * 1024;
    const serverSides: Promise<void>[] = [];
    server.on('stream', (stream) => serverSides.push(exchange(stream, 100_000)));
    const clientSides = Array.from({ length: 16 }, async () => exchange(await client.open(), 64 * 1024));
    await Promise.all(clientSides);
    await Promise.all(serverSides);
    expect(serverSides).to.have.length(16);
    expect(tap.errors).to.deep.equal([]);
    let largest = 0;
    for (const [key, max] of tap.maxInFlight) {
      expect(max, key).to.be.at.most(256 * 1024);
      largest = Math.max(largest, max);
    }
    expect(tap.maxInFlight.size).to.equal(32);
    // The windows were really exercised, not merely respected by a trickle.
    expect(largest).to.be.greaterThan(128 * 1024);
    expect(client.streamCount).to.equal(0);
    expect(server.streamCount).to.equal(0);

    /** Sends a digest and random bytes while reading the peer's, then checks what arrived. */
    async function exchange(stream: YamuxStream, chunk: number): Promise<void> {
      const body = randomBytes(perStream - 64);
      const payload = Buffer.concat([Buffer.from(sha256(body)), body]);
      const [received] = await Promise.all([readAll(stream), writeAll(stream, payload, chunk)]);
      expect(received.length).to.equal(perStream);
      expect(sha256(received.subarray(64))).to.equal(received.subarray(0, 64).toString());
    }
  });
});

describe('rpc/yamux/session semantics', () => {
  afterEach(cleanupSocketPairs);

  it('half-closes with FIN: the peer reads EOF and can still answer', async () => {
    const { client, server, tap } = await sessionPair();
    const [stream, peer] = await Promise.all([client.open(), server.accept()]);
    stream.end('question');
    expect((await readAll(peer)).toString()).to.equal('question');
    const fin = await tap.waitFor((f) => f.dir === 'a->b' && (f.frame.flags & Flag.FIN) !== 0);
    expect(fin.frame).to.include({ type: FrameType.WindowUpdate, streamId: stream.id, length: 0 });
    expect(server.streamCount).to.equal(1);
    peer.end('answer');
    expect((await readAll(stream)).toString()).to.equal('answer');
    await Promise.all([streamOutcome(stream), streamOutcome(peer)]);
    expect(stream.errored).to.equal(null);
    expect(peer.errored).to.equal(null);
    expect(client.streamCount).to.equal(0);
    expect(server.streamCount).to.equal(0);
  });

  it('destroy() sends RST and the peer stream fails with PKR_ERR_YAMUX_STREAM_RESET', async () => {
    const { client, server, tap } = await sessionPair();
    const [stream, peer] = await Promise.all([client.open(), server.accept()]);
    peer.destroy();
    const rst = await tap.waitFor((f) => f.dir === 'b->a' && (f.frame.flags & Flag.RST) !== 0);
    expect(rst.frame).to.include({ type: FrameType.WindowUpdate, streamId: stream.id });
    expectCode(await streamOutcome(stream), 'PKR_ERR_YAMUX_STREAM_RESET');
    expect(client.streamCount).to.equal(0);
    expect(server.streamCount).to.equal(0);
  });

  it('answers pings with the same opaque value and reports the round trip', async () => {
    const { client, server, tap } = await sessionPair();
    const rtts = [await client.ping(), await client.ping(), await server.ping()];
    for (const rtt of rtts) expect(rtt).to.be.a('number').and.at.least(0);
    const pings = tap.frames
      .filter((f) => f.frame.type === FrameType.Ping)
      .map((f) => [f.dir, f.frame.flags, f.frame.length]);
    expect(pings).to.deep.equal([
      ['a->b', Flag.SYN, 0],
      ['b->a', Flag.ACK, 0],
      ['a->b', Flag.SYN, 1],
      ['b->a', Flag.ACK, 1],
      ['b->a', Flag.SYN, 0],
      ['a->b', Flag.ACK, 0],
    ]);
  });

  it('after the peer’s GoAway(0) refuses new opens but keeps existing streams working', async () => {
    const { client, server, clientLog } = await sessionPair();
    const [stream, peer] = await Promise.all([client.open(), server.accept()]);
    server.goAway();
    await clientLog.waitFor((e) => e.message.includes('GoAway'));
    let refused: unknown;
    await client.open().catch((err: unknown) => (refused = err));
    expectCode(refused, 'PKR_ERR_YAMUX_GOAWAY');
    stream.end('still here');
    expect((await readAll(peer)).toString()).to.equal('still here');
    peer.end('me too');
    expect((await readAll(stream)).toString()).to.equal('me too');
    expect(client.closed).to.equal(false);
  });

  it('close() sends GoAway(0), fails open streams on both sides and ends the peer without an error', async () => {
    const { client, server, tap } = await sessionPair();
    const [stream, peer] = await Promise.all([client.open(), server.accept()]);
    const serverClosed = closeOf(server);
    const clientClosed = closeOf(client);
    await client.close();
    expect(client.closed).to.equal(true);
    expect(await clientClosed).to.equal(undefined);
    expect(await serverClosed).to.equal(undefined);
    const goAway = await tap.waitFor((f) => f.frame.type === FrameType.GoAway);
    expect(goAway.frame).to.include({ streamId: 0, length: 0 });
    expect(goAway.dir).to.equal('a->b');
    expectCode(await streamOutcome(stream), 'PKR_ERR_YAMUX_SESSION_CLOSED');
    expectCode(await streamOutcome(peer), 'PKR_ERR_YAMUX_SESSION_CLOSED');
    let err: unknown;
    await client.open().catch((e: unknown) => (err = e));
    expectCode(err, 'PKR_ERR_YAMUX_SESSION_CLOSED');
    await client.close(); // idempotent
  });

  it('destroy(err) ends at once and reports err on close', async () => {
    const { client, server } = await sessionPair();
    const [stream] = await Promise.all([client.open(), server.accept()]);
    const closed = closeOf(client);
    const reason = new Error('giving up');
    client.destroy(reason);
    expect(await closed).to.equal(reason);
    const failure = await streamOutcome(stream);
    expectCode(failure, 'PKR_ERR_YAMUX_SESSION_CLOSED');
    expect((failure as Error).cause).to.equal(reason);
    expectCode(await closeOf(server), 'PKR_ERR_YAMUX_CONNECTION_LOST');
  });

  it('hands each inbound stream to exactly one consumer: pending accept() first, then listeners, else the backlog', async () => {
    const { client, server, tap } = await sessionPair();
    const waiting = server.accept();
    const first = await client.open();
    expect((await waiting).id).to.equal(first.id);

    // No accept and no listener: the stream waits unacknowledged, so open() is pending.
    let secondOpened = false;
    const second = client.open().then((s) => ((secondOpened = true), s));
    const seen: number[] = [];
    const accepted = await server.accept();
    expect(accepted.id).to.equal(3);
    await second;
    expect(secondOpened).to.equal(true);

    // A listener added later drains what waited in the backlog, in order.
    const third = client.open();
    const fourth = client.open();
    // The server handles frames in order: once it answered a later ping, both SYNs are parked.
    await tap.waitFor((f) => f.frame.streamId === 7);
    await client.ping();
    expect(server.streamCount).to.equal(4);
    server.on('stream', (s) => seen.push(s.id));
    await Promise.all([third, fourth]);
    expect(seen).to.deep.equal([5, 7]);
    // With a listener present, a pending accept() still wins.
    const fifthAccept = server.accept();
    const fifth = await client.open();
    expect((await fifthAccept).id).to.equal(fifth.id);
    expect(seen).to.deep.equal([5, 7]);
  });

  it('answers WindowUpdate+RST when the accept backlog is full', async () => {
    const { client, server, tap } = await sessionPair({}, { acceptBacklog: 2 });
    const opens = [client.open(), client.open(), client.open()];
    let refused: unknown;
    await opens[2]!.catch((err: unknown) => (refused = err));
    expectCode(refused, 'PKR_ERR_YAMUX_STREAM_RESET');
    const rst = await tap.waitFor((f) => f.dir === 'b->a' && (f.frame.flags & Flag.RST) !== 0);
    expect(rst.frame).to.include({ type: FrameType.WindowUpdate, streamId: 5 });
    // The two in the backlog are ACKed only when taken.
    expect(
      tap.frames.some((f) => (f.frame.flags & Flag.ACK) !== 0 && f.frame.type === FrameType.WindowUpdate),
    ).to.equal(false);
    const [a, b] = await Promise.all([server.accept(), server.accept()]);
    expect([a.id, b.id]).to.deep.equal([1, 3]);
    expect((await Promise.all(opens.slice(0, 2))).map((s) => s.id)).to.deep.equal([1, 3]);
  });

  it('keeps at most acceptBacklog SYNs unacknowledged and sends the next only after an ACK', async () => {
    const { client, server, tap } = await sessionPair({ acceptBacklog: 1 });
    const first = client.open();
    const second = client.open();
    await tap.waitFor((f) => f.frame.streamId === 1);
    await client.ping();
    expect(tap.frames.some((f) => f.frame.streamId === 3)).to.equal(false);
    const accepted = server.accept();
    const synOf3 = await tap.waitFor((f) => f.frame.streamId === 3 && (f.frame.flags & Flag.SYN) !== 0);
    const ackOf1 = tap.frames.findIndex((f) => f.frame.streamId === 1 && (f.frame.flags & Flag.ACK) !== 0);
    expect(ackOf1).to.be.greaterThan(-1);
    expect(tap.frames.indexOf(synOf3)).to.be.greaterThan(ackOf1);
    await Promise.all([first, accepted, server.accept(), second]);
  });

  it('stalls a writer whose reader does not read, at exactly one window, and resumes when it reads', async () => {
    const { client, server, tap } = await sessionPair();
    const [stream, peer] = await Promise.all([client.open(), server.accept()]);
    const payload = randomBytes(1024 * 1024);
    let written = false;
    stream.write(payload, () => (written = true));
    // Wait until the full window is in flight; the reader has not read a byte.
    await tap.waitFor(() => tap.inFlight('a->b', stream.id) === 256 * 1024);
    expect(stream.sendWindow).to.equal(0);
    expect(written).to.equal(false);
    expect(peer.readableLength).to.be.at.most(256 * 1024);
    stream.end();
    const received = await readAll(peer);
    expect(sha256(received)).to.equal(sha256(payload));
    expect(written).to.equal(true);
    expect(tap.maxInFlight.get(`a->b:${stream.id}`)).to.equal(256 * 1024);
  });

  it('grants the window in WindowUpdates of at least half the window, so a blocked sender resumes', async () => {
    const { client, server, tap } = await sessionPair();
    const [stream, peer] = await Promise.all([client.open(), server.accept()]);
    const payload = randomBytes(3 * 256 * 1024);
    const done = readAll(peer);
    await writeAll(stream, payload);
    expect(sha256(await done)).to.equal(sha256(payload));
    const grants = tap.frames.filter(
      (f) => f.dir === 'b->a' && f.frame.type === FrameType.WindowUpdate && f.frame.flags === 0,
    );
    expect(grants.length).to.be.greaterThan(0);
    for (const grant of grants) expect(grant.frame.length).to.be.at.least(128 * 1024);
  });

  it('announces a larger maxStreamWindow in the SYN and ACK deltas, and lets the peer use it', async () => {
    const big = 1024 * 1024;
    const { client, server, tap } = await sessionPair({ maxStreamWindow: big }, { maxStreamWindow: big });
    const [stream, peer] = await Promise.all([client.open(), server.accept()]);
    const syn = await tap.waitFor((f) => (f.frame.flags & Flag.SYN) !== 0);
    const ack = await tap.waitFor((f) => (f.frame.flags & Flag.ACK) !== 0);
    expect(syn.frame.length).to.equal(big - 256 * 1024);
    expect(ack.frame.length).to.equal(big - 256 * 1024);
    const payload = randomBytes(3 * big);
    let written = false;
    stream.write(payload, () => (written = true));
    // The tap counts grants beyond the initial 256 KiB, so a full window shows as 256 KiB.
    await tap.waitFor(() => tap.inFlight('a->b', stream.id) === 256 * 1024);
    const sent = tap.frames
      .filter((f) => f.dir === 'a->b' && f.frame.type === FrameType.Data && f.frame.streamId === stream.id)
      .reduce((sum, f) => sum + f.frame.length, 0);
    expect(sent).to.equal(big);
    expect(written).to.equal(false);
    stream.end();
    expect(sha256(await readAll(peer))).to.equal(sha256(payload));
    expect(tap.maxInFlight.get(`a->b:${stream.id}`)).to.equal(256 * 1024);
  });
});
