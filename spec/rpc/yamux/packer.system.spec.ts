import { decodeMulti, encode } from '@msgpack/msgpack';
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { isSdkError } from '../../../errors/index.js';
import { YamuxSession } from '../../../rpc/yamux/session.js';
import type { YamuxStream } from '../../../rpc/yamux/stream.js';
import { closeOf, LogRecorder } from './support/peers.js';

// Go's yamux as the oracle: Packer's own null builder (Packer 1.6.6 runs its built-in
// components as plugins, `packer plugin packer-builder-null`) is a Go yamux server.
const MAGIC = {
  PACKER_PLUGIN_MAGIC_COOKIE: 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2',
  PACKER_PLUGIN_MIN_PORT: '10000',
  PACKER_PLUGIN_MAX_PORT: '25000',
};

function packerAvailable(): boolean {
  return spawnSync('packer', ['version'], { stdio: 'ignore' }).status === 0;
}

/** Starts the Go plugin and returns it with the unix socket path from its handshake line. */
async function startGoPlugin(): Promise<{ child: ChildProcess; path: string }> {
  const child = spawn('packer', ['plugin', 'packer-builder-null'], {
    env: { ...process.env, ...MAGIC, CHECKPOINT_DISABLE: '1' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const end = out.indexOf('\n');
      if (end >= 0) resolve(out.slice(0, end).trim());
    });
    child.once('exit', (code) => reject(new Error(`packer exited with ${code} before its handshake`)));
  });
  const [version, network, path] = line.split('|');
  expect([version, network]).to.deep.equal(['5', 'unix']);
  return { child, path: path! };
}

/** Dials the Go plugin and opens its component service (broker id 0). */
async function connect(
  path: string,
  log: LogRecorder,
): Promise<{ session: YamuxSession; service: YamuxStream }> {
  const socket = net.connect(path);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const session = new YamuxSession(socket, { role: 'client', onLog: log.onLog });
  const service = await session.open();
  // Mux broker: name service 0, read the echo (protocol §2.2).
  service.write(Buffer.from('00000000', 'hex'));
  const echo = await new Promise<Buffer>((resolve) => service.once('data', resolve));
  expect(echo.toString('hex')).to.equal('00000000');
  return { session, service };
}

/** Reads one net/rpc message (msgpack header, msgpack body) from the stream. */
function readMessage(stream: YamuxStream): Promise<[unknown, unknown]> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const values: unknown[] = [];
      try {
        for (const value of decodeMulti(buffered)) values.push(value);
      } catch (err) {
        if (err instanceof RangeError) return; // not all there yet
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (values.length >= 2) {
        stream.off('data', onData);
        resolve([values[0], values[1]]);
      }
    };
    stream.on('data', onData);
    stream.once('error', reject);
  });
}

describe('rpc/yamux against Go yamux (Packer 1.6.6 plugin process)', function () {
  this.timeout(60_000);
  let plugin: ChildProcess | undefined;

  before(function () {
    if (!packerAvailable()) this.skip();
  });
  afterEach(() => {
    plugin?.kill('SIGKILL');
    plugin = undefined;
  });

  it('opens the broker stream, pings, and moves 1 MiB each way through Go’s flow control', async () => {
    const started = await startGoPlugin();
    plugin = started.child;
    const log = new LogRecorder();
    const { session, service: stream } = await connect(started.path, log);
    expect(stream.id).to.equal(1);
    expect(await session.ping()).to.be.a('number');

    // An unknown config key of 1 MiB: Go must grant window updates for the request, and its
    // answer (an error quoting the key) is larger than one window, so we must grant too.
    const key = 'k'.repeat(1024 * 1024);
    const request = Buffer.concat([
      encode({ ServiceMethod: 'Builder.Prepare', Seq: 0 }),
      encode({ Configs: [{ [key]: 'v' }] }),
    ]);
    const response = readMessage(stream);
    stream.write(request);
    const [header, body] = await response;
    expect(header).to.deep.include({ ServiceMethod: 'Builder.Prepare', Seq: 0, Error: '' });
    const text = JSON.stringify(body);
    expect(text).to.include(key);
    expect(text.length).to.be.greaterThan(1024 * 1024);
    expect(await session.ping()).to.be.a('number');
    expect(session.closed).to.equal(false);

    // Core ends a plugin with SIGKILL: the session must end with a coded error, not hang.
    const closed = closeOf(session);
    plugin.kill('SIGKILL');
    const reason = await closed;
    expect(isSdkError(reason, 'PKR_ERR_YAMUX_CONNECTION_LOST'), String(reason)).to.equal(true);
    expect(stream.destroyed).to.equal(true);
    expect(log.entries.filter((e) => e.level === 'error')).to.deep.equal([]);
  });

  it('accepts a stream that Go opens (the plugin dialing back for Builder.Run)', async () => {
    const started = await startGoPlugin();
    plugin = started.child;
    const log = new LogRecorder();
    const { session, service } = await connect(started.path, log);
    const prepared = readMessage(service);
    service.write(
      Buffer.concat([
        encode({ ServiceMethod: 'Builder.Prepare', Seq: 0 }),
        encode({ Configs: [{ communicator: 'none' }] }),
      ]),
    );
    expect((await prepared)[0]).to.deep.include({ Error: '' });

    // Builder.Run(1): the plugin dials broker id 1 on a stream of its own (even id).
    const inbound = session.accept();
    service.write(Buffer.concat([encode({ ServiceMethod: 'Builder.Run', Seq: 1 }), encode(1)]));
    const stream = await inbound;
    expect(stream.id).to.equal(2);
    // Go's Dial writes the id and waits for our echo before it sends anything else.
    const id = await new Promise<Buffer>((resolve) => stream.once('data', resolve));
    expect(id.toString('hex')).to.equal('01000000');
    const call = readMessage(stream);
    stream.write(id);
    const [header] = await call;
    expect((header as { ServiceMethod: string }).ServiceMethod).to.match(/^(Ui|Hook)\./);
    expect(log.entries.filter((e) => e.level === 'error')).to.deep.equal([]);
  });
});
