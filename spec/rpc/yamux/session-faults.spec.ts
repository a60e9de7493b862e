import { expect } from 'chai';
import { isSdkError, type SdkError } from '../../../errors/index.js';
import { Flag, FrameType, type Frame } from '../../../rpc/yamux/frame.js';
import { YamuxSession } from '../../../rpc/yamux/session.js';
import type { YamuxStream } from '../../../rpc/yamux/stream.js';
import { closeOf, readAll, sessionPair, sessionWithRawPeer, streamOutcome } from './support/peers.js';
import { cleanupSocketPairs, socketPair } from './support/socket-pair.js';

function expectCode(err: unknown, code: string): void {
  expect(isSdkError(err), String(err)).to.equal(true);
  expect((err as { code: string }).code).to.equal(code);
}

const isGoAway = (code: number) => (f: Frame) => f.type === FrameType.GoAway && f.length === code;
const window = 256 * 1024;

describe('rpc/yamux/session against a hand-driven peer', () => {
  afterEach(cleanupSocketPairs);

  describe('what a Go peer may legally send', () => {
    it('accepts SYN and payload on one Data frame, and FIN on a Data frame after its payload', async () => {
      const { session, raw } = await sessionWithRawPeer({ role: 'server' });
      const accepted = session.accept();
      raw.send(
        { type: FrameType.Data, flags: Flag.SYN, streamId: 1, payload: Buffer.from('open+') },
        { type: FrameType.Data, flags: Flag.FIN, streamId: 1, payload: Buffer.from('last words') },
      );
      const stream = await accepted;
      expect((await readAll(stream)).toString()).to.equal('open+last words');
      const ack = await raw.waitFor((f) => (f.flags & Flag.ACK) !== 0);
      expect(ack).to.include({ type: FrameType.WindowUpdate, streamId: 1, length: 0 });
    });

    it('buffers data sent before the stream is accepted and ACKs it with delta 0 when taken', async () => {
      const { session, raw } = await sessionWithRawPeer({ role: 'server' });
      raw.send(
        { type: FrameType.WindowUpdate, flags: Flag.SYN, streamId: 1 },
        { type: FrameType.Data, streamId: 1, payload: Buffer.alloc(100_000, 7) },
        { type: FrameType.Ping, flags: Flag.SYN, length: 1 },
      );
      await raw.waitFor((f) => f.type === FrameType.Ping);
      expect(raw.frames.filter((f) => f.streamId === 1)).to.deep.equal([]);
      const stream = await session.accept();
      const ack = await raw.waitFor((f) => f.streamId === 1);
      expect(ack).to.include({ type: FrameType.WindowUpdate, flags: Flag.ACK, length: 0 });
      raw.send({ type: FrameType.WindowUpdate, flags: Flag.FIN, streamId: 1 });
      expect((await readAll(stream)).equals(Buffer.alloc(100_000, 7))).to.equal(true);
    });

    it('resolves open() on an ACK carried by a Data frame, delivering its payload', async () => {
      const { session, raw } = await sessionWithRawPeer({ role: 'client' });
      const opening = session.open();
      const syn = await raw.waitFor((f) => (f.flags & Flag.SYN) !== 0);
      expect(syn).to.include({ type: FrameType.WindowUpdate, streamId: 1, length: 0 });
      raw.send({ type: FrameType.Data, flags: Flag.ACK, streamId: 1, payload: Buffer.from('welcome') });
      const stream = await opening;
      const chunk = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
      expect(chunk.toString()).to.equal('welcome');
    });

    it('answers a Ping SYN with a Ping ACK carrying the same opaque value', async () => {
      const { raw } = await sessionWithRawPeer({ role: 'server' });
      raw.send({ type: FrameType.Ping, flags: Flag.SYN, length: 0xdeadbeef });
      const pong = await raw.waitFor((f) => f.type === FrameType.Ping);
      expect(pong).to.include({ flags: Flag.ACK, streamId: 0, length: 0xdeadbeef });
    });

    it('discards data for an unknown stream with a log line and carries on', async () => {
      const { session, raw, log } = await sessionWithRawPeer({ role: 'server' });
      raw.send({ type: FrameType.Data, streamId: 41, payload: Buffer.alloc(100) });
      const line = await log.waitFor((e) => e.message.includes('discarding data'));
      expect(line.details).to.deep.include({ streamId: 41, length: 100 });
      raw.send({ type: FrameType.Ping, flags: Flag.SYN, length: 5 });
      await raw.waitFor((f) => f.type === FrameType.Ping && f.length === 5);
      expect(session.closed).to.equal(false);
    });

    it('rejects open() with PKR_ERR_YAMUX_STREAM_RESET when the peer answers RST', async () => {
      const { session, raw } = await sessionWithRawPeer({ role: 'client' });
      const opening = session.open();
      await raw.waitFor((f) => (f.flags & Flag.SYN) !== 0);
      raw.send({ type: FrameType.WindowUpdate, flags: Flag.RST, streamId: 1 });
      let err: unknown;
      await opening.catch((e: unknown) => (err = e));
      expectCode(err, 'PKR_ERR_YAMUX_STREAM_RESET');
      expect(session.streamCount).to.equal(0);
    });

    it('refuses streams with RST after its own GoAway, but keeps serving', async () => {
      const { session, raw } = await sessionWithRawPeer({ role: 'server' });
      session.goAway();
      await raw.waitFor((f) => f.type === FrameType.GoAway && f.length === 0);
      raw.send({ type: FrameType.WindowUpdate, flags: Flag.SYN, streamId: 1 });
      const rst = await raw.waitFor((f) => (f.flags & Flag.RST) !== 0);
      expect(rst).to.include({ type: FrameType.WindowUpdate, streamId: 1 });
      expect(session.closed).to.equal(false);
    });
  });

  describe('protocol violations: GoAway(1) and a coded close', () => {
    const cases: { name: string; code: string; send: (raw: RawSender) => void }[] = [
      {
        name: 'more data than the window',
        code: 'PKR_ERR_YAMUX_WINDOW_EXCEEDED',
        send: (raw) =>
          raw.send(
            { type: FrameType.WindowUpdate, flags: Flag.SYN, streamId: 1 },
            { type: FrameType.Data, streamId: 1, payload: Buffer.alloc(window - 10) },
            { type: FrameType.Data, streamId: 1, payload: Buffer.alloc(11) },
          ),
      },
      {
        name: 'a Data frame larger than any window',
        code: 'PKR_ERR_YAMUX_FRAME_TOO_LARGE',
        send: (raw) => raw.sendBytes(Buffer.from('000000000000000100040001', 'hex')),
      },
      {
        name: 'a header with version 1',
        code: 'PKR_ERR_YAMUX_BAD_VERSION',
        send: (raw) => raw.sendBytes(Buffer.from('010200010000000000000000', 'hex')),
      },
      {
        name: 'an unknown message type',
        code: 'PKR_ERR_YAMUX_BAD_TYPE',
        send: (raw) => raw.sendBytes(Buffer.from('000400000000000000000000', 'hex')),
      },
      {
        name: 'a second SYN for an open stream',
        code: 'PKR_ERR_YAMUX_DUPLICATE_STREAM',
        send: (raw) =>
          raw.send(
            { type: FrameType.WindowUpdate, flags: Flag.SYN, streamId: 1 },
            { type: FrameType.WindowUpdate, flags: Flag.SYN, streamId: 1 },
          ),
      },
      {
        name: 'a SYN with an id of the server’s parity',
        code: 'PKR_ERR_YAMUX_BAD_STREAM_ID',
        send: (raw) => raw.send({ type: FrameType.WindowUpdate, flags: Flag.SYN, streamId: 2 }),
      },
      {
        name: 'a second FIN',
        code: 'PKR_ERR_YAMUX_UNEXPECTED_FLAG',
        send: (raw) =>
          raw.send(
            { type: FrameType.WindowUpdate, flags: Flag.SYN | Flag.FIN, streamId: 1 },
            { type: FrameType.Data, flags: Flag.FIN, streamId: 1, payload: Buffer.from('x') },
          ),
      },
    ];
    type RawSender = Awaited<ReturnType<typeof sessionWithRawPeer>>['raw'];

    for (const { name, code, send } of cases) {
      it(`${name} → ${code}`, async () => {
        const { session, raw, log } = await sessionWithRawPeer({ role: 'server' });
        const streams: YamuxStream[] = [];
        session.on('stream', (s) => streams.push(s));
        const closed = closeOf(session);
        send(raw);
        expectCode(await closed, code);
        await raw.waitFor(isGoAway(1));
        await raw.closed;
        expect(session.closed).to.equal(true);
        expect(log.entries.some((e) => e.level === 'error' && e.details?.['code'] === code)).to.equal(true);
        for (const stream of streams) expectCode(await streamOutcome(stream), 'PKR_ERR_YAMUX_SESSION_CLOSED');
      });
    }

    it('ends the session when the peer reports a protocol error with GoAway(1)', async () => {
      const { session, raw } = await sessionWithRawPeer({ role: 'client' });
      const closed = closeOf(session);
      raw.send({ type: FrameType.GoAway, length: 1 });
      const err = await closed;
      expectCode(err, 'PKR_ERR_YAMUX_REMOTE_ERROR');
      expect((err as SdkError).details).to.deep.equal({ code: 1 });
    });
  });

  describe('timeouts', () => {
    it('closes the session when keep-alive pings go unanswered', async () => {
      const { session, raw, log } = await sessionWithRawPeer({
        role: 'server',
        keepAliveIntervalMs: 5,
        connectionWriteTimeoutMs: 40,
      });
      const closed = closeOf(session);
      expectCode(await closed, 'PKR_ERR_YAMUX_PING_TIMEOUT');
      const pings = raw.frames.filter((f) => f.type === FrameType.Ping);
      expect(pings).to.have.length(1);
      expect(pings[0]).to.include({ flags: Flag.SYN, length: 0 });
      expect(log.entries.some((e) => e.message.includes('keepalive failed'))).to.equal(true);
      await raw.closed;
    });

    it('keeps pinging while the peer answers', async () => {
      const { session, raw } = await sessionWithRawPeer({ role: 'server', keepAliveIntervalMs: 1 });
      raw.socket.on('data', () => {
        for (const ping of raw.frames.splice(0).filter((f) => f.type === FrameType.Ping)) {
          raw.send({ type: FrameType.Ping, flags: Flag.ACK, length: ping.length });
          if (ping.length === 4) session.destroy();
        }
      });
      const err = await closeOf(session);
      expect(err).to.equal(undefined);
    });

    it('closes the session when an opened stream is never acknowledged', async () => {
      const { session, raw } = await sessionWithRawPeer({ role: 'client', streamOpenTimeoutMs: 20 });
      const closed = closeOf(session);
      let err: unknown;
      await session.open().catch((e: unknown) => (err = e));
      expectCode(err, 'PKR_ERR_YAMUX_OPEN_TIMEOUT');
      expectCode(await closed, 'PKR_ERR_YAMUX_OPEN_TIMEOUT');
      await raw.closed;
    });

    it('resets a half-closed stream whose peer never sends its FIN', async () => {
      const { session, raw } = await sessionWithRawPeer({ role: 'server', streamCloseTimeoutMs: 20 });
      const accepted = session.accept();
      raw.send({ type: FrameType.WindowUpdate, flags: Flag.SYN, streamId: 1 });
      const stream = await accepted;
      stream.resume();
      stream.end();
      expectCode(await streamOutcome(stream), 'PKR_ERR_YAMUX_CLOSE_TIMEOUT');
      await raw.waitFor((f) => (f.flags & Flag.RST) !== 0);
      const frames = raw.frames.filter((f) => f.streamId === 1).map((f) => f.flags);
      expect(frames).to.deep.equal([Flag.ACK, Flag.FIN, Flag.RST]);
      expect(session.streamCount).to.equal(0);
      expect(session.closed).to.equal(false);
    });
  });

  describe('a vanished peer', () => {
    it('fails every stream and pending call with coded errors when the socket dies mid-transfer', async () => {
      const { client, server, tap } = await sessionPair();
      server.on('stream', (stream) => stream.resume());
      const streams = await Promise.all([client.open(), client.open(), client.open(), client.open()]);
      const outcomes = streams.map((stream) => streamOutcome(stream));
      for (const stream of streams) stream.write(Buffer.alloc(200_000));
      await tap.waitFor((f) => f.frame.type === FrameType.Data && f.frame.length > 1000);
      const clientClosed = closeOf(client);
      const serverClosed = closeOf(server);
      const pendingOpen = client.open().catch((e: unknown) => e);
      const pendingAccept = client.accept().catch((e: unknown) => e);
      const pendingPing = client.ping().catch((e: unknown) => e);
      tap.relayA.destroy();
      const reason = await clientClosed;
      expectCode(reason, 'PKR_ERR_YAMUX_CONNECTION_LOST');
      for (const outcome of await Promise.all(outcomes)) {
        expectCode(outcome, 'PKR_ERR_YAMUX_SESSION_CLOSED');
        expect((outcome as Error).cause).to.equal(reason);
      }
      expectCode(await pendingOpen, 'PKR_ERR_YAMUX_SESSION_CLOSED');
      expectCode(await pendingAccept, 'PKR_ERR_YAMUX_SESSION_CLOSED');
      expectCode(await pendingPing, 'PKR_ERR_YAMUX_SESSION_CLOSED');
      expectCode(await serverClosed, 'PKR_ERR_YAMUX_CONNECTION_LOST');
      // A write after the end fails the write instead of throwing.
      const writeErr = await new Promise<Error | null | undefined>((resolve) =>
        streams[0].write('late', resolve),
      );
      expect(writeErr).to.be.instanceOf(Error);
    });

    it('closes at once over a connection that is already gone', async () => {
      const { a } = await socketPair();
      a.destroy();
      await new Promise((resolve) => a.once('close', resolve));
      const session = new YamuxSession(a, { role: 'server' });
      expectCode(await closeOf(session), 'PKR_ERR_YAMUX_CONNECTION_LOST');
    });
  });
});
