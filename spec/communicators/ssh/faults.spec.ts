import { expect } from 'chai';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { EXIT_STATUS_DISCONNECTED } from '../../../communicators/communicator.js';
import { connectSsh, type SshWaitOptions } from '../../../communicators/ssh/connect.js';
import { generateOpenSshKeyPair } from '../../../communicators/ssh/key-pair.js';
import type { SshCommunicatorOptions } from '../../../communicators/ssh/options.js';
import type { SshCommunicator } from '../../../communicators/ssh/ssh-communicator.js';
import { isSdkError, type ErrorCode } from '../../../errors/index.js';
import { createManualClock } from '../../../testing/manual-clock.js';
import { freePort } from '../../support/sshd.js';
import { startFakeServer, type FakeServer } from '../support/fake-server.js';
import { Collect, generatedStream } from '../support/streams.js';

const MiB = 1024 * 1024;

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    expect(isSdkError(err, code), `${String(err)} should be ${code}`).to.equal(true);
    return err as Error;
  }
  return expect.fail(`expected ${code}`);
}

describe('communicators/ssh fault injection (ssh2 in-process server)', function () {
  this.timeout(20_000);
  let hostKey: string;
  const cleanups: (() => Promise<void>)[] = [];

  const options = (port: number, extra: Partial<SshCommunicatorOptions> = {}): SshCommunicatorOptions => ({
    host: '127.0.0.1',
    port,
    username: 'u',
    auth: { password: 'pw' },
    ...extra,
  });
  const connect = async (o: SshCommunicatorOptions, wait: SshWaitOptions = {}): Promise<SshCommunicator> => {
    const comm = await connectSsh(o, { handshakeAttempts: 1, timeoutMs: 10_000, retryDelayMs: 0, ...wait });
    cleanups.push(() => comm.close());
    return comm;
  };
  const server = async (o: Omit<Parameters<typeof startFakeServer>[0], 'hostKey'>): Promise<FakeServer> => {
    const s = await startFakeServer({ hostKey, ...o });
    cleanups.push(() => s.close());
    return s;
  };

  before(async () => {
    hostKey = (await generateOpenSshKeyPair({ type: 'ed25519' })).privateKey;
  });

  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('reports EXIT_STATUS_DISCONNECTED when the connection drops mid-command', async () => {
    const s = await server({
      onExec: (stream, _cmd, socket) => {
        stream.write('partial output\n', () => setImmediate(() => socket.destroy()));
      },
    });
    const comm = await connect(options(s.port));
    const stdout = new Collect();
    const started = await comm.start({ command: 'long-job', stdout });
    expect(await started.exited).to.equal(EXIT_STATUS_DISCONNECTED);
    expect(stdout.text).to.equal('partial output\n');
  });

  it('reports exit-signal as 128 + the signal number, and exit-status as is', async () => {
    const s = await server({
      onExec: (stream, cmd) => {
        if (cmd === 'die') stream.exit('KILL');
        else stream.exit(42);
        stream.end();
      },
    });
    const comm = await connect(options(s.port));
    expect(await (await comm.start({ command: 'die' })).exited).to.equal(137);
    expect(await (await comm.start({ command: 'other' })).exited).to.equal(42);
  });

  it('declares a frozen peer dead after the unanswered keep-alives', async () => {
    const s = await server({
      onExec: (stream, _cmd, socket) => {
        stream.write('frozen now\n', () => socket.pause());
      },
    });
    const comm = await connect(options(s.port, { keepAliveIntervalMs: 50, keepAliveCountMax: 2 }));
    const started = await comm.start({ command: 'x', stdout: new Collect() });
    expect(await started.exited).to.equal(EXIT_STATUS_DISCONNECTED);
  });

  it('drops the connection after ssh_read_write_timeout of silence', async () => {
    const s = await server({ onExec: (_stream, _cmd, socket) => socket.pause() });
    const comm = await connect(options(s.port, { keepAliveIntervalMs: 0, readWriteTimeoutMs: 200 }));
    expect(await (await comm.start({ command: 'x' })).exited).to.equal(EXIT_STATUS_DISCONNECTED);
  });

  it('holds the source back when the peer reads slowly (backpressure)', async () => {
    let received = 0;
    let maxAhead = 0;
    const hash = createHash('sha256');
    const total = 32 * MiB;
    const source = generatedStream(total, { chunk: 64 * 1024 });
    const s = await server({
      onExec: (stream) => {
        // Read one chunk per event-loop turn: a slow consumer.
        stream.pause();
        const pump = (): void => {
          const chunk = stream.read() as Buffer | null;
          if (chunk) {
            received += chunk.length;
            hash.update(chunk);
            maxAhead = Math.max(maxAhead, source.produced - received);
          }
          if (received >= total) {
            stream.exit(0);
            stream.end();
            return;
          }
          setImmediate(pump);
        };
        pump();
      },
    });
    const comm = await connect(options(s.port));
    const started = await comm.start({ command: 'slow-sink', stdin: source.stream });
    expect(await started.exited).to.equal(0);
    expect(received).to.equal(total);
    expect(hash.digest('hex')).to.equal(source.digest());
    expect(maxAhead, 'bytes produced ahead of the slow reader').to.be.lessThan(8 * MiB);
  });

  it('answers keyboard-interactive prompts with the password', async () => {
    const s = await server({
      methods: ['keyboard-interactive'],
      onExec: (stream) => (stream.exit(0), stream.end()),
    });
    const comm = await connect(options(s.port));
    expect(await (await comm.start({ command: 'x' })).exited).to.equal(0);
  });

  it('counts failed logins against the attempts and names the methods', async () => {
    const s = await server({ methods: ['password'] });
    const err = await expectCode(
      connect(options(s.port, { auth: { password: 'wrong' } }), { handshakeAttempts: 3 }),
      'PKR_ERR_SSH_AUTH',
    );
    expect(s.connections).to.equal(3);
    expect(err.message).to.match(
      /tried password; the server accepts password \(gave up after 3 handshake attempts\)/,
    );
  });

  it('gives up on a host that never answers the handshake after the attempts', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      sockets.forEach((x) => x.destroy());
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const port = (silent.address() as net.AddressInfo).port;
    const err = await expectCode(
      connect(options(port, { handshakeTimeoutMs: 150 }), { handshakeAttempts: 2 }),
      'PKR_ERR_SSH_HANDSHAKE',
    );
    expect(sockets).to.have.length(2);
    expect(err.message).to.match(/no SSH handshake with 127\.0\.0\.1:\d+ within 0\.15s \(gave up after 2/);
  });

  it('retries a host that is down until ssh_timeout, then says so with the last error', async () => {
    const port = await freePort();
    const clock = createManualClock();
    let attempts = 0;
    const err = await expectCode(
      connectSsh(options(port), {
        clock,
        timeoutMs: 10_000,
        retryDelayMs: 2_000,
        onRetry: (e, progress) => {
          attempts = progress.attempts;
          expect(isSdkError(e, 'PKR_ERR_SSH_CONNECT')).to.equal(true);
          // Let the pause start, then move time past it.
          setImmediate(() => clock.advance(2_000));
        },
      }),
      'PKR_ERR_SSH_TIMEOUT',
    );
    expect(attempts).to.equal(5);
    expect(err.message).to.match(
      /timed out after 10s waiting for SSH on 127\.0\.0\.1:\d+; last error: cannot connect/,
    );
    expect(clock.sleeps).to.include(10_000);
  });

  it('stops waiting as soon as the build is cancelled', async () => {
    const port = await freePort();
    const controller = new AbortController();
    const clock = createManualClock();
    await expectCode(
      connectSsh(options(port), {
        clock,
        signal: controller.signal,
        retryDelayMs: 60_000,
        onRetry: () => setImmediate(() => controller.abort()),
      }),
      'PKR_ERR_CANCELLED',
    );
  });
});
