import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { isSdkError } from '../../../errors/index.js';
import { resolveYamuxOptions, yamuxDefaults, type YamuxOptions } from '../../../rpc/yamux/config.js';
import { YamuxSession } from '../../../rpc/yamux/session.js';

describe('rpc/yamux/config', () => {
  it("fills in Go's DefaultConfig()", () => {
    const config = resolveYamuxOptions({ role: 'server' });
    expect(config).to.deep.include({
      role: 'server',
      keepAliveIntervalMs: 30_000,
      connectionWriteTimeoutMs: 10_000,
      streamOpenTimeoutMs: 75_000,
      streamCloseTimeoutMs: 300_000,
      acceptBacklog: 256,
      maxStreamWindow: 262_144,
    });
    expect(config).to.deep.include(yamuxDefaults);
  });

  const invalid: [string, unknown][] = [
    ['no role', {}],
    ['an unknown role', { role: 'peer' }],
    ['a negative keep-alive', { role: 'client', keepAliveIntervalMs: -1 }],
    ['a zero write timeout', { role: 'client', connectionWriteTimeoutMs: 0 }],
    ['a fractional timeout', { role: 'client', streamOpenTimeoutMs: 1.5 }],
    ['a timeout setTimeout cannot hold', { role: 'client', streamCloseTimeoutMs: 2 ** 31 }],
    ['an empty backlog', { role: 'client', acceptBacklog: 0 }],
    ['a window below 256 KiB', { role: 'client', maxStreamWindow: 262_143 }],
    ['a window above 2^32-1', { role: 'client', maxStreamWindow: 2 ** 32 }],
    ['a string for a number', { role: 'client', acceptBacklog: '8' }],
    ['a logger that is not a function', { role: 'client', onLog: 'stderr' }],
    ['no options object', null],
  ];
  for (const [name, options] of invalid) {
    it(`rejects ${name} with PKR_ERR_OPTION_INVALID`, () => {
      let caught: unknown;
      try {
        resolveYamuxOptions(options as YamuxOptions);
      } catch (err) {
        caught = err;
      }
      expect(isSdkError(caught, 'PKR_ERR_OPTION_INVALID'), String(caught)).to.equal(true);
    });
  }

  it('accepts 0 to disable keep-alive and the open and close timeouts', () => {
    const config = resolveYamuxOptions({
      role: 'client',
      keepAliveIntervalMs: 0,
      streamOpenTimeoutMs: 0,
      streamCloseTimeoutMs: 0,
    });
    expect([
      config.keepAliveIntervalMs,
      config.streamOpenTimeoutMs,
      config.streamCloseTimeoutMs,
    ]).to.deep.equal([0, 0, 0]);
  });

  it('refuses a session over something that is not a stream, and bad GoAway codes', () => {
    expect(() => new YamuxSession({} as PassThrough, { role: 'client' })).to.throw(/Duplex/);
    const session = new YamuxSession(new PassThrough(), { role: 'client', keepAliveIntervalMs: 0 });
    expect(() => session.goAway(7 as 0)).to.throw(/GoAway code/);
    session.destroy();
  });
});
