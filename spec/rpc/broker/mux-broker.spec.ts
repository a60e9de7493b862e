import { expect } from 'chai';
import type { Duplex } from 'node:stream';
import { MuxBroker } from '../../../rpc/broker/mux-broker.js';
import { readExactly } from '../../../rpc/broker/read-exactly.js';
import { YamuxSession } from '../../../rpc/yamux/index.js';
import { isSdkError } from '../../../errors/index.js';
import { cleanupSocketPairs, socketPair } from '../yamux/support/socket-pair.js';

/** Core (yamux client) and plugin (yamux server) brokers over a real unix socket. */
async function brokers(timeoutMs = 5000) {
  const { a, b } = await socketPair();
  const core = new YamuxSession(a, { role: 'client', keepAliveIntervalMs: 0 });
  const plugin = new YamuxSession(b, { role: 'server', keepAliveIntervalMs: 0 });
  return {
    core,
    plugin,
    coreBroker: new MuxBroker(core, { timeoutMs }),
    pluginBroker: new MuxBroker(plugin, { timeoutMs }),
  };
}

async function echo(stream: Duplex, bytes: number): Promise<Buffer> {
  return readExactly(stream, bytes);
}

describe('rpc/broker/mux-broker', () => {
  afterEach(() => cleanupSocketPairs());

  it('connects a dial to an accept registered first, then carries bytes both ways', async () => {
    const { coreBroker, pluginBroker, core, plugin } = await brokers();
    const id = coreBroker.nextId();
    expect(id).to.equal(1);
    const accepted = coreBroker.accept(id);
    const dialed = await pluginBroker.dial(id);
    const served = await accepted;
    dialed.write('ping');
    expect((await echo(served, 4)).toString()).to.equal('ping');
    served.write('pong');
    expect((await echo(dialed, 4)).toString()).to.equal('pong');
    await core.close();
    await plugin.close();
  });

  it('parks a stream that arrives before accept, without losing bytes sent right after the id', async () => {
    const { coreBroker, pluginBroker } = await brokers();
    const id = pluginBroker.nextId();
    const dialing = coreBroker.dial(id);
    // The dialer may write its first request before the ack comes back (Go does).
    await new Promise((r) => setTimeout(r, 20));
    const served = await pluginBroker.accept(id);
    const dialed = await dialing;
    dialed.write(Buffer.from('first-request'));
    expect((await echo(served, 13)).toString()).to.equal('first-request');
  });

  it('writes the id as 4 little-endian bytes and expects the same echo', async () => {
    const { core, plugin, pluginBroker } = await brokers();
    const raw = core.open();
    const pluginSide = pluginBroker.accept(0x01020304);
    const stream = await raw;
    stream.write(Buffer.from([4, 3, 2, 1]));
    expect([...(await echo(stream, 4))]).to.deep.equal([4, 3, 2, 1]);
    await pluginSide;
    await core.close();
    await plugin.close();
  });

  it('times out an accept nobody dials', async () => {
    const { coreBroker } = await brokers(50);
    let caught: unknown;
    try {
      await coreBroker.accept(coreBroker.nextId());
    } catch (err) {
      caught = err;
    }
    expect(isSdkError(caught, 'PKR_ERR_BROKER_TIMEOUT')).to.equal(true);
  });

  it('fails a dial nobody accepts, and closes the parked stream on the other side', async () => {
    const { coreBroker } = await brokers(50);
    let caught: unknown;
    try {
      await coreBroker.dial(7);
    } catch (err) {
      caught = err;
    }
    expect(isSdkError(caught, 'PKR_ERR_BROKER_DIAL')).to.equal(true);
  });

  it('rejects a wrong acknowledgement', async () => {
    const { a, b } = await socketPair();
    const core = new YamuxSession(a, { role: 'client', keepAliveIntervalMs: 0 });
    const plugin = new YamuxSession(b, { role: 'server', keepAliveIntervalMs: 0 });
    const coreBroker = new MuxBroker(core, { timeoutMs: 500 });
    plugin.on('stream', (s) => {
      void readExactly(s, 4).then(() => s.write(Buffer.from([9, 9, 9, 9])));
    });
    let caught: unknown;
    try {
      await coreBroker.dial(1);
    } catch (err) {
      caught = err;
    }
    expect(isSdkError(caught, 'PKR_ERR_BROKER_DIAL')).to.equal(true);
    expect((caught as Error).message).to.contain('bad ack');
  });

  it('refuses two accepts for one id', async () => {
    const { coreBroker } = await brokers(100);
    const first = coreBroker.accept(3);
    let caught: unknown;
    try {
      await coreBroker.accept(3);
    } catch (err) {
      caught = err;
    }
    expect(isSdkError(caught, 'PKR_ERR_BROKER_DUPLICATE')).to.equal(true);
    await first.catch(() => undefined);
  });

  it('rejects pending accepts at once when the session closes', async () => {
    const { coreBroker, core } = await brokers();
    const pending = coreBroker.accept(coreBroker.nextId());
    core.destroy(new Error('peer vanished'));
    let caught: unknown;
    try {
      await pending;
    } catch (err) {
      caught = err;
    }
    expect(isSdkError(caught, 'PKR_ERR_BROKER_CLOSED')).to.equal(true);
  });
});
