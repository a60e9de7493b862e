import { expect } from 'chai';
import { once } from 'node:events';
import { SdkError, isSdkError, type ErrorCode } from '../../../errors/index.js';
import {
  RpcClient,
  RpcServer,
  RpcServerError,
  asInt,
  asString,
  asStruct,
  encodeMsgpack,
  type RpcCallContext,
  type RpcLogger,
} from '../../../rpc/netrpc/index.js';
import { MemoryStream, socketPair, type SocketPair } from './support/streams.js';

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail('expected the call to reject'),
    (err: unknown) => err as Error,
  );
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<Error> {
  const err = await rejection(promise);
  expect(isSdkError(err, code), `${String(err)} should be ${code}`).to.equal(true);
  return err;
}

/** Collects log lines so specs can wait for and assert on them. */
function recordingLog(): {
  log: RpcLogger;
  lines: Array<{ level: string; message: string; details?: object }>;
} {
  const lines: Array<{ level: string; message: string; details?: object }> = [];
  return { lines, log: (level, message, details) => lines.push({ level, message, details }) };
}

describe('rpc/netrpc: client and server over a real unix socket', () => {
  let pair: SocketPair;
  let server: RpcServer;
  let client: RpcClient;
  let served: Promise<void>;
  let clientLog: ReturnType<typeof recordingLog>;

  beforeEach(async () => {
    pair = await socketPair();
    server = new RpcServer();
    served = server.serve(pair.right);
    clientLog = recordingLog();
    client = new RpcClient(pair.left, { onLog: clientLog.log });
  });

  afterEach(async () => {
    client.close();
    await pair.close();
    await served;
  });

  it('serves a call and returns nil for a handler that returns undefined', async () => {
    server.register('Ui', {
      Say: async () => undefined,
      Ask: async (args) => `you asked: ${asString(args, 'Ui.Ask args')}`,
    });
    expect(await client.call('Ui.Say', 'hello')).to.equal(null);
    expect(await client.call('Ui.Ask', 'continue?')).to.equal('you asked: continue?');
  });

  it('keeps many calls in flight and matches replies finishing in reverse order by Seq', async () => {
    const count = 100;
    const gates = Array.from({ length: count }, () => deferred());
    const arrived = deferred();
    let started = 0;
    server.register('Work', {
      Do: async (args) => {
        const i = asInt(args, 'Work.Do args');
        if (++started === count) arrived.resolve();
        await gates[i]!.promise;
        return { i, square: i * i };
      },
    });
    const calls = Array.from({ length: count }, (_, i) => client.call('Work.Do', i));
    await arrived.promise;
    expect(client.pendingCalls).to.equal(count);
    for (let i = count - 1; i >= 0; i--) {
      gates[i]!.resolve();
      expect(await calls[i]).to.deep.equal({ i, square: i * i });
    }
    expect(client.pendingCalls).to.equal(0);
  });

  it('serves Cancel while Run is pending on the same stream, as Packer does', async () => {
    const cancelled = deferred<string>();
    server.register('Builder', {
      Run: async () => `run ended: ${await cancelled.promise}`,
      Cancel: async () => {
        cancelled.resolve('cancelled');
        return undefined;
      },
    });
    const run = client.call('Builder.Run', 1);
    expect(await client.call('Builder.Cancel', null)).to.equal(null);
    expect(await run).to.equal('run ended: cancelled');
  });

  it('puts handler errors in the header, cause chain flattened, and keeps the stream usable', async () => {
    server.register('Hook', {
      Run: async () => {
        throw new Error('hook failed', { cause: new Error('boom') });
      },
      Coded: async () => {
        throw new SdkError('PKR_ERR_CANCELLED', 'step stopped');
      },
      Plain: async () => {
        // An empty message must not read as success (Go treats Error "" as no error).
        throw new Error('');
      },
      // Not async: the throw happens before any promise exists.
      Sync: () => {
        throw new Error('thrown before any await');
      },
      Ok: async () => 'still fine',
    });
    const err = await expectCode(client.call('Hook.Run', null), 'PKR_ERR_RPC_REMOTE');
    expect(err).to.be.instanceOf(RpcServerError);
    expect(err.message).to.equal('hook failed: boom');
    expect((err as RpcServerError).serviceMethod).to.equal('Hook.Run');
    expect((await rejection(client.call('Hook.Coded', null))).message).to.equal(
      '[PKR_ERR_CANCELLED] step stopped',
    );
    expect((await rejection(client.call('Hook.Plain', null))).message).to.equal(
      'Hook.Plain failed without a message',
    );
    expect((await rejection(client.call('Hook.Sync', null))).message).to.equal('thrown before any await');
    expect(await client.call('Hook.Ok', null)).to.equal('still fine');
  });

  it('answers unknown services and methods with Go’s texts', async () => {
    server.register('Builder', { Run: async () => 1 });
    expect((await rejection(client.call('Nope.Run', null))).message).to.equal(
      "rpc: can't find service Nope.Run",
    );
    expect((await rejection(client.call('Builder.Nope', null))).message).to.equal(
      "rpc: can't find method Builder.Nope",
    );
    expect((await rejection(client.call('Builder.constructor', null))).message).to.equal(
      "rpc: can't find method Builder.constructor",
    );
    expect((await rejection(client.call('NoDot', null))).message).to.equal(
      'rpc: service/method request ill-formed: NoDot',
    );
    expect(await client.call('Builder.Run', null)).to.equal(1);
  });

  it('serves services registered while serving, dotted names split at the last dot', async () => {
    const name = 'Uiupload.txtHEO0l1';
    expect((await rejection(client.call(`${name}.Add`, 5))).message).to.equal(
      `rpc: can't find service ${name}.Add`,
    );
    let total = 0;
    server.register(name, {
      Add: async (n) => (total += asInt(n, 'Add args')),
      Close: async () => undefined,
    });
    expect(server.has(name)).to.equal(true);
    expect(await client.call(`${name}.Add`, 5)).to.equal(5);
    expect(await client.call(`${name}.Add`, 7)).to.equal(12);
    expect(server.unregister(name)).to.equal(true);
    expect((await rejection(client.call(`${name}.Close`, null))).message).to.include("can't find service");
  });

  it('rejects every pending call promptly when the peer goes away mid-call, and aborts handlers', async () => {
    const running = deferred();
    const aborted = deferred<unknown>();
    server.register('Builder', {
      Run: async (_args, ctx: RpcCallContext) => {
        ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason));
        running.resolve();
        return new Promise(() => undefined); // never answers by itself
      },
    });
    const calls = [client.call('Builder.Run', 1), client.call('Builder.Run', 2)];
    await running.promise;
    pair.right.destroy();
    for (const call of calls) await expectCode(call, 'PKR_ERR_RPC_SHUTDOWN');
    expect(client.closed).to.equal(true);
    expect(isSdkError(await aborted.promise, 'PKR_ERR_RPC_SHUTDOWN')).to.equal(true);
    await served;
    await expectCode(client.call('Builder.Run', 3), 'PKR_ERR_RPC_SHUTDOWN');
  });

  it('abandons a call on abort; its late reply is dropped and the client keeps working', async () => {
    const release = deferred();
    const finished = deferred();
    server.register('Slow', {
      Op: async () => {
        await release.promise;
        finished.resolve();
        return 'late';
      },
      Fast: async () => 'fast',
    });
    const controller = new AbortController();
    const call = client.call('Slow.Op', null, { signal: controller.signal });
    controller.abort(new Error('user gave up'));
    const err = await expectCode(call, 'PKR_ERR_RPC_ABORTED');
    expect((err.cause as Error).message).to.equal('user gave up');
    release.resolve();
    await finished.promise;
    expect(await client.call('Slow.Fast', null)).to.equal('fast');
    expect(clientLog.lines.some((l) => l.message.includes('reply for no pending call dropped'))).to.equal(
      true,
    );
    // An already-aborted signal sends nothing at all.
    await expectCode(client.call('Slow.Fast', null, { signal: AbortSignal.abort() }), 'PKR_ERR_RPC_ABORTED');
  });

  it('reports an un-encodable reply as a header error and refuses un-encodable args locally', async () => {
    server.register('Artifact', { State: async () => ({ when: new Date() }) });
    const err = await expectCode(client.call('Artifact.State', 'k'), 'PKR_ERR_RPC_REMOTE');
    expect(err.message).to.include('PKR_ERR_MSGPACK_ENCODE');
    await expectCode(client.call('Artifact.State', new Date()), 'PKR_ERR_MSGPACK_ENCODE');
    expect(client.closed).to.equal(false);
  });

  it('serves several streams from one server', async () => {
    server.register('Echo', { Back: async (args, ctx) => ({ args, via: ctx.serviceMethod }) });
    const second = await socketPair();
    const secondServed = server.serve(second.right);
    const other = new RpcClient(second.left);
    const [a, b] = await Promise.all([client.call('Echo.Back', 'a'), other.call('Echo.Back', 'b')]);
    expect(a).to.deep.equal({ args: 'a', via: 'Echo.Back' });
    expect(b).to.deep.equal({ args: 'b', via: 'Echo.Back' });
    other.close();
    await second.close();
    await secondServed;
  });

  it('close() rejects pending calls and ends the stream, so the server finishes', async () => {
    server.register('Never', { Op: async () => new Promise(() => undefined) });
    const call = client.call('Never.Op', null);
    client.close();
    await expectCode(call, 'PKR_ERR_RPC_SHUTDOWN');
    await served;
    expect(client.closed).to.equal(true);
    client.close(); // idempotent
  });
});

describe('rpc/netrpc: protocol faults on an in-memory stream', () => {
  const header = (seq: number, error = '', method = 'A.B'): Uint8Array =>
    encodeMsgpack({ ServiceMethod: method, Seq: seq, Error: error });

  it('client: an undecodable body fails that call with the decode error and shuts the rest down', async () => {
    const stream = new MemoryStream();
    const client = new RpcClient(stream);
    const first = client.call('A.B', null);
    const second = client.call('A.B', null);
    stream.feed(header(0));
    stream.feed(Buffer.from([0xc1]));
    await expectCode(first, 'PKR_ERR_MSGPACK_DECODE');
    const err = await expectCode(second, 'PKR_ERR_RPC_SHUTDOWN');
    expect(isSdkError(err.cause, 'PKR_ERR_MSGPACK_DECODE')).to.equal(true);
    expect(client.closed).to.equal(true);
  });

  it('client: a malformed reply header shuts the client down', async () => {
    const stream = new MemoryStream();
    const client = new RpcClient(stream);
    const call = client.call('A.B', null);
    stream.feed(encodeMsgpack('not a header'));
    const err = await expectCode(call, 'PKR_ERR_RPC_SHUTDOWN');
    expect(isSdkError(err.cause, 'PKR_ERR_RPC_HEADER')).to.equal(true);
  });

  it('client: a reply cut short by the end of the stream rejects with a truncation cause', async () => {
    const stream = new MemoryStream();
    const client = new RpcClient(stream);
    const call = client.call('A.B', null);
    stream.feed(header(0));
    stream.feed(Buffer.from('a5616263', 'hex'));
    stream.endInput();
    const err = await expectCode(call, 'PKR_ERR_MSGPACK_TRUNCATED');
    expect(err.message).to.include('reading body of A.B');
    expect(client.closed).to.equal(true);
  });

  it('client: a stream that ends between a reply header and its body fails that call', async () => {
    const stream = new MemoryStream();
    const client = new RpcClient(stream);
    const call = client.call('A.B', null);
    stream.feed(header(0));
    stream.endInput();
    expect((await expectCode(call, 'PKR_ERR_MSGPACK_TRUNCATED')).message).to.include(
      'between a reply header',
    );
  });

  it('client: a stream error rejects pending calls with it as the cause, and later errors are only logged', async () => {
    const { log, lines } = recordingLog();
    const stream = new MemoryStream();
    const client = new RpcClient(stream, { onLog: log });
    const call = client.call('A.B', null);
    stream.destroy(new Error('connection reset'));
    const err = await expectCode(call, 'PKR_ERR_RPC_SHUTDOWN');
    expect((err.cause as Error).message).to.equal('connection reset');
    stream.emit('error', new Error('again'));
    expect(lines.some((l) => l.message.includes('after shutdown'))).to.equal(true);
    await expectCode(client.call('A.B', null), 'PKR_ERR_RPC_SHUTDOWN');
  });

  it('server: a stream error aborts running handlers and ends serving; a destroyed stream is not served', async () => {
    const server = new RpcServer();
    const started = deferred();
    const aborted = deferred<unknown>();
    server.register('A', {
      B: async (_args, ctx) => {
        ctx.signal.addEventListener('abort', () => aborted.resolve(ctx.signal.reason));
        started.resolve();
        return new Promise(() => undefined);
      },
    });
    const stream = new MemoryStream();
    const served = server.serve(stream);
    stream.feed(Buffer.concat([encodeMsgpack({ ServiceMethod: 'A.B', Seq: 0 }), encodeMsgpack(null)]));
    await started.promise;
    stream.destroy(new Error('reset'));
    await served;
    const reason = await aborted.promise;
    expect(isSdkError(reason, 'PKR_ERR_RPC_SHUTDOWN')).to.equal(true);

    const dead = new MemoryStream();
    dead.destroy();
    await server.serve(dead);
  });

  it('notices streams that ended before they were handed over', async () => {
    const ended = new MemoryStream();
    ended.endInput();
    ended.resume();
    await once(ended, 'end');
    ended.pause();
    await new RpcServer().serve(ended);
    const client = new RpcClient(ended);
    expect(client.closed).to.equal(true);
    await expectCode(client.call('A.B', null), 'PKR_ERR_RPC_SHUTDOWN');
  });

  it('client: reads header keys in any order, and bin keys', async () => {
    const stream = new MemoryStream();
    const client = new RpcClient(stream);
    const call = client.call('A.B', null);
    // {Error: "", Seq: 0, ServiceMethod: "A.B"} as the 2015 ugorji writes it, with bin keys.
    stream.feed(
      Buffer.from('83c4054572726f72a0c40353657100c40d536572766963654d6574686f64a3412e42a2686f', 'hex'),
    );
    expect(await call).to.equal('ho');
  });

  it('server: a malformed request header closes the stream, logs a coded error and aborts handlers', async () => {
    const { log, lines } = recordingLog();
    const server = new RpcServer({ onLog: log });
    const started = deferred();
    const aborted = deferred();
    server.register('A', {
      B: async (_args, ctx) => {
        ctx.signal.addEventListener('abort', () => aborted.resolve());
        started.resolve();
        return new Promise(() => undefined);
      },
    });
    const stream = new MemoryStream();
    const served = server.serve(stream);
    stream.feed(encodeMsgpack({ ServiceMethod: 'A.B', Seq: 0 }));
    stream.feed(encodeMsgpack(null));
    await started.promise;
    stream.feed(encodeMsgpack({ ServiceMethod: 'A.B', Seq: -1 }));
    await served;
    await aborted.promise;
    expect(stream.destroyed).to.equal(true);
    const error = lines.find((l) => l.level === 'error');
    expect(error?.details).to.deep.equal({ code: 'PKR_ERR_RPC_HEADER' });
  });

  it('server: a truncated message at the end of the stream is logged, never thrown', async () => {
    const { log, lines } = recordingLog();
    const server = new RpcServer({ onLog: log });
    const stream = new MemoryStream();
    const served = server.serve(stream);
    stream.feed(encodeMsgpack({ ServiceMethod: 'A.B', Seq: 0 }).subarray(0, 10));
    stream.endInput();
    await served;
    expect(lines.find((l) => l.level === 'error')?.details).to.deep.equal({
      code: 'PKR_ERR_MSGPACK_TRUNCATED',
    });
  });

  it('server: after the peer stops sending, replies still in progress are written before our end', async () => {
    const server = new RpcServer();
    const release = deferred();
    server.register('A', {
      B: async () => {
        await release.promise;
        return 'done';
      },
    });
    const stream = new MemoryStream();
    const served = server.serve(stream);
    stream.feed(encodeMsgpack({ ServiceMethod: 'A.B', Seq: 7 }));
    stream.feed(encodeMsgpack(null));
    stream.endInput();
    await once(stream, 'end');
    const ended = once(stream, 'ended-writing');
    release.resolve();
    await served;
    await ended;
    expect(stream.allWritten().toString('hex')).to.equal(
      Buffer.concat([
        encodeMsgpack({ ServiceMethod: 'A.B', Seq: 7, Error: '' }),
        encodeMsgpack('done'),
      ]).toString('hex'),
    );
  });

  it('server: echoes a Seq beyond 2^53 exactly, in the uint64 form Go writes', async () => {
    const server = new RpcServer();
    server.register('A', { B: async () => undefined });
    const stream = new MemoryStream();
    const served = server.serve(stream);
    const written = stream.nextWrite();
    stream.feed(Buffer.from('82ad536572766963654d6574686f64a3412e42a3536571cffffffffffffffffe', 'hex'));
    stream.feed(Buffer.from([0xc0]));
    const reply = await written;
    expect(reply.toString('hex')).to.equal(
      '83ad536572766963654d6574686f64a3412e42a3536571cffffffffffffffffea54572726f72a0c0',
    );
    stream.endInput();
    await served;
  });

  it('checks options', () => {
    const stream = new MemoryStream();
    for (const maxMessageBytes of [0, -1, 1.5, Number.NaN]) {
      expect(() => new RpcClient(stream, { maxMessageBytes }))
        .to.throw()
        .that.satisfies((e: unknown) => isSdkError(e, 'PKR_ERR_OPTION_INVALID'));
      expect(() => new RpcServer({ maxMessageBytes })).to.throw();
    }
    const server = new RpcServer();
    server.register('A', { B: async () => 1 });
    for (const bad of [
      () => server.register('A', {}),
      () => server.register('', {}),
      () => server.register('C', { D: 5 as never }),
    ]) {
      expect(bad)
        .to.throw()
        .that.satisfies((e: unknown) => isSdkError(e, 'PKR_ERR_RPC_REGISTER'));
    }
    expect(server.services).to.deep.equal(['A']);
  });

  it('decodes request args by name for the handler (asStruct narrowing)', async () => {
    const server = new RpcServer();
    let seen: unknown;
    server.register('Ui', {
      Machine: async (args) => {
        const fields = asStruct(args, 'Ui.Machine args');
        seen = [asString(fields.Category, 'Category'), fields.Args];
        return undefined;
      },
    });
    const stream = new MemoryStream();
    const served = server.serve(stream);
    const written = stream.nextWrite();
    stream.feed(
      Buffer.from(
        '82a353657100ad536572766963654d6574686f64aa55692e4d616368696e6582a44172677393a130a26964a3616263a843617465676f7279a86172746966616374',
        'hex',
      ),
    );
    await written;
    expect(seen).to.deep.equal(['artifact', ['0', 'id', 'abc']]);
    stream.endInput();
    await served;
  });
});
