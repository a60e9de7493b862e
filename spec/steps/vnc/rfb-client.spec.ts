import { expect } from 'chai';
import net from 'node:net';
import { isSdkError, type ErrorCode } from '../../../errors/index.js';
import { ByteQueue } from '../../../steps/vnc/byte-queue.js';
import { agreeVersion, connectRfb, type RfbConnectOptions } from '../../../steps/vnc/rfb-client.js';
import { vncAuthResponse } from '../../../steps/vnc/vnc-auth.js';
import { freePort } from '../../support/sshd.js';

/** The server side of one connection, scripted by the spec: read what the client sends, write bytes. */
interface Peer {
  read(n: number): Promise<Buffer>;
  write(bytes: Buffer | string): void;
  close(): void;
}

/** An in-process RFB server on loopback whose every connection runs `script`. */
async function fakeRfb(
  script: (peer: Peer) => Promise<void>,
): Promise<{ port: number; done: Promise<void>; close(): Promise<void> }> {
  let finish: (err?: unknown) => void = () => undefined;
  const done = new Promise<void>(
    (resolve, reject) =>
      (finish = (err) => (err ? reject(err instanceof Error ? err : new Error('script failed')) : resolve())),
  );
  // Specs that expect the client to fail may leave a script failing; only those awaiting `done` care.
  done.catch(() => undefined);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const queue = new ByteQueue();
    socket.on('data', (chunk: Buffer) => queue.push(chunk));
    socket.on('close', () => queue.end(new Error('client closed')));
    socket.on('error', () => undefined);
    script({
      read: (n) => queue.read(n),
      write: (bytes) => socket.write(bytes),
      close: () => socket.destroy(),
    }).then(() => finish(), finish);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    done,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const reason = (text: string): Buffer => Buffer.concat([u32(Buffer.byteLength(text)), Buffer.from(text)]);
function serverInit(name: string, width = 800, height = 600): Buffer {
  const head = Buffer.alloc(20);
  head.writeUInt16BE(width, 0);
  head.writeUInt16BE(height, 2);
  return Buffer.concat([head, reason(name)]);
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    expect(isSdkError(err, code), `${String(err)} should be ${code}`).to.equal(true);
    return err as Error;
  }
  return expect.fail(`expected ${code}`);
}

describe('steps/vnc/rfb-client (in-process RFB server)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const serve = async (script: (peer: Peer) => Promise<void>) => {
    const s = await fakeRfb(script);
    cleanups.push(() => s.close());
    return s;
  };
  const connect = async (port: number, extra: Partial<RfbConnectOptions> = {}) => {
    const client = await connectRfb({ host: '127.0.0.1', port, ...extra });
    cleanups.push(() => client.close());
    return client;
  };

  it('speaks RFB 3.8 with security None and sends KeyEvent messages byte for byte', async () => {
    const seen: string[] = [];
    const s = await serve(async (peer) => {
      peer.write('RFB 003.008\n');
      seen.push((await peer.read(12)).toString());
      peer.write(Buffer.from([2, 1, 2])); // two types: None, VNC auth
      seen.push(`security ${(await peer.read(1))[0]}`);
      peer.write(u32(0));
      seen.push(`shared ${(await peer.read(1))[0]}`);
      peer.write(serverInit('test desktop'));
      peer.write(Buffer.from([2])); // a Bell the client never asked for: it must be ignored
      seen.push((await peer.read(16)).toString('hex'));
    });
    const client = await connect(s.port);
    expect(client.server).to.deep.equal({
      version: '3.8',
      securityType: 'none',
      width: 800,
      height: 600,
      name: 'test desktop',
    });
    await client.keyEvent(0xff0d, true);
    await client.keyEvent(0x01000000 + 0x20ac, false);
    await s.done;
    expect(seen).to.deep.equal([
      'RFB 003.008\n',
      'security 1',
      'shared 1',
      '04010000' + '0000ff0d' + '04000000' + '010020ac',
    ]);
  });

  it('answers the VNC-authentication challenge with the DES response of the password', async () => {
    const challenge = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    let response: Buffer | undefined;
    const s = await serve(async (peer) => {
      peer.write('RFB 003.008\n');
      await peer.read(12);
      peer.write(Buffer.from([1, 2]));
      expect((await peer.read(1))[0]).to.equal(2);
      peer.write(challenge);
      response = await peer.read(16);
      peer.write(u32(0));
      expect((await peer.read(1))[0]).to.equal(0); // not shared, as asked
      peer.write(serverInit(''));
    });
    const client = await connect(s.port, { password: 'secret99', shared: false });
    await s.done;
    expect(client.server.securityType).to.equal('vnc-auth');
    expect(response!.equals(vncAuthResponse(challenge, 'secret99'))).to.equal(true);
  });

  it('prefers VNC authentication when a password is given and both types are offered, None otherwise', async () => {
    const chosen: number[] = [];
    const s = await serve(async (peer) => {
      peer.write('RFB 003.008\n');
      await peer.read(12);
      peer.write(Buffer.from([2, 2, 1]));
      const type = (await peer.read(1))[0]!;
      chosen.push(type);
      if (type === 2) {
        peer.write(Buffer.alloc(16));
        await peer.read(16);
      }
      peer.write(u32(0));
      await peer.read(1);
      peer.write(serverInit('x'));
    });
    await connect(s.port);
    await connect(s.port, { password: 'pw' });
    expect(chosen).to.deep.equal([1, 2]);
  });

  it('speaks 3.7: no SecurityResult after None', async () => {
    const s = await serve(async (peer) => {
      peer.write('RFB 003.007\n');
      expect((await peer.read(12)).toString()).to.equal('RFB 003.007\n');
      peer.write(Buffer.from([1, 1]));
      await peer.read(1);
      expect((await peer.read(1))[0]).to.equal(1); // ClientInit straight away
      peer.write(serverInit('seven'));
    });
    const client = await connect(s.port);
    expect(client.server.version).to.equal('3.7');
  });

  it('speaks 3.3: the server picks the type, and a refused password has no reason string', async () => {
    const s = await serve(async (peer) => {
      peer.write('RFB 003.003\n');
      expect((await peer.read(12)).toString()).to.equal('RFB 003.003\n');
      peer.write(u32(2));
      peer.write(Buffer.alloc(16, 7));
      await peer.read(16);
      peer.write(u32(1));
    });
    const err = await expectCode(connect(s.port, { password: 'wrong' }), 'PKR_ERR_VNC_AUTH');
    expect(err.message).to.equal('VNC authentication failed: the password was refused');
  });

  it('caps the version at maxVersion', async () => {
    const s = await serve(async (peer) => {
      peer.write('RFB 003.008\n');
      expect((await peer.read(12)).toString()).to.equal('RFB 003.003\n');
      peer.write(u32(1));
      await peer.read(1);
      peer.write(serverInit('old'));
    });
    expect((await connect(s.port, { maxVersion: '3.3' })).server.version).to.equal('3.3');
  });

  const failures: [string, (peer: Peer) => Promise<void>, Partial<RfbConnectOptions>, ErrorCode, RegExp][] = [
    [
      'a 3.8 authentication failure carries the server’s reason',
      async (peer) => {
        peer.write('RFB 003.008\n');
        await peer.read(12);
        peer.write(Buffer.from([1, 2]));
        await peer.read(1);
        peer.write(Buffer.alloc(16));
        await peer.read(16);
        peer.write(Buffer.concat([u32(1), reason('Authentication failure')]));
      },
      { password: 'x' },
      'PKR_ERR_VNC_AUTH',
      /^VNC authentication failed: Authentication failure$/,
    ],
    [
      'a server refusing the connection (no security types) says why',
      async (peer) => {
        peer.write('RFB 003.008\n');
        await peer.read(12);
        peer.write(Buffer.concat([Buffer.from([0]), reason('Too many security failures')]));
      },
      {},
      'PKR_ERR_VNC_AUTH',
      /refused the connection: Too many security failures/,
    ],
    [
      'a 3.3 server refusing the connection says why',
      async (peer) => {
        peer.write('RFB 003.003\n');
        await peer.read(12);
        peer.write(Buffer.concat([u32(0), reason('go away')]));
      },
      {},
      'PKR_ERR_VNC_AUTH',
      /refused the connection: go away/,
    ],
    [
      'only security types this client does not speak',
      async (peer) => {
        peer.write('RFB 003.008\n');
        await peer.read(12);
        peer.write(Buffer.from([2, 16, 19]));
        await peer.read(1).catch(() => undefined);
      },
      {},
      'PKR_ERR_VNC_PROTOCOL',
      /offers security types \[16, 19\]/,
    ],
    [
      'a password is needed and none was given',
      async (peer) => {
        peer.write('RFB 003.008\n');
        await peer.read(12);
        peer.write(Buffer.from([1, 2]));
        await peer.read(1).catch(() => undefined);
      },
      {},
      'PKR_ERR_VNC_AUTH',
      /requires a password/,
    ],
    [
      'not an RFB server',
      async (peer) => {
        peer.write('SSH-2.0-Open\n');
        await peer.read(1).catch(() => undefined);
      },
      {},
      'PKR_ERR_VNC_PROTOCOL',
      /not an RFB server: it greeted with "SSH-2\.0-Open"/,
    ],
    [
      'the server hangs up in the middle of the handshake',
      async (peer) => {
        peer.write('RFB 003.008\n');
        await peer.read(12);
        peer.close();
      },
      {},
      'PKR_ERR_VNC_CONNECT',
      /closed the connection during the handshake/,
    ],
    [
      'an absurd desktop-name length',
      async (peer) => {
        peer.write('RFB 003.008\n');
        await peer.read(12);
        peer.write(Buffer.from([1, 1]));
        await peer.read(1);
        peer.write(u32(0));
        await peer.read(1);
        const init = serverInit('');
        init.writeUInt32BE(0x7fffffff, 20);
        peer.write(init);
      },
      {},
      'PKR_ERR_VNC_PROTOCOL',
      /2147483647-byte desktop name/,
    ],
  ];
  for (const [name, script, extra, code, message] of failures) {
    it(`fails with ${code} when ${name}`, async () => {
      const s = await serve(script);
      const err = await expectCode(connect(s.port, extra), code);
      expect(err.message).to.match(message);
    });
  }

  it('fails with PKR_ERR_VNC_CONNECT when nothing listens', async () => {
    const port = await freePort();
    const err = await expectCode(connect(port), 'PKR_ERR_VNC_CONNECT');
    expect(err.message).to.include(`127.0.0.1:${port}`);
  });

  it('stops the handshake when cancelled', async () => {
    const s = await serve(async (peer) => {
      await peer.read(1).catch(() => undefined); // never greets
    });
    const controller = new AbortController();
    const connecting = connect(s.port, { signal: controller.signal });
    controller.abort();
    await expectCode(connecting, 'PKR_ERR_CANCELLED');
  });

  it('rejects key events once the server closed the connection', async () => {
    const s = await serve(async (peer) => {
      peer.write('RFB 003.008\n');
      await peer.read(12);
      peer.write(Buffer.from([1, 1]));
      await peer.read(1);
      peer.write(u32(0));
      await peer.read(1);
      peer.write(serverInit('bye'));
      peer.close();
    });
    const client = await connect(s.port);
    await s.done;
    let err: unknown;
    for (let i = 0; i < 50 && err === undefined; i++) {
      await client.keyEvent(0x61, true).catch((e: unknown) => (err = e));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(isSdkError(err, 'PKR_ERR_VNC_CONNECT'), String(err)).to.equal(true);
  });

  it('agrees on the highest common version', () => {
    const table: [string, string, string][] = [
      ['RFB 003.003\n', '3.8', '3.3'],
      ['RFB 003.005\n', '3.8', '3.3'],
      ['RFB 003.007\n', '3.8', '3.7'],
      ['RFB 003.008\n', '3.8', '3.8'],
      ['RFB 003.889\n', '3.8', '3.8'],
      ['RFB 004.001\n', '3.8', '3.8'],
      ['RFB 003.008\n', '3.7', '3.7'],
      ['RFB 003.007\n', '3.3', '3.3'],
    ];
    for (const [greeting, max, agreed] of table) {
      expect(agreeVersion(greeting, max as '3.8'), greeting).to.equal(agreed);
    }
    expect(() => agreeVersion('RFB 002.000\n', '3.8')).to.throw(/too old/);
  });

  it('computes VNC authentication with DES and bit-reversed key bytes (FIPS 81 vector)', () => {
    // Key 0123456789ABCDEF encrypts "Now is t" to 3FA40E8A984D4815; the password bytes are that
    // key with each byte's bits reversed, which the VNC quirk reverses back.
    const password = Uint8Array.from([0x80, 0xc4, 0xa2, 0xe6, 0x91, 0xd5, 0xb3, 0xf7]);
    const block = Buffer.from('4e6f772069732074', 'hex');
    const response = vncAuthResponse(Buffer.concat([block, block]), password);
    expect(response.toString('hex')).to.equal('3fa40e8a984d4815'.repeat(2));
    // Only 8 bytes count; shorter passwords are zero-padded.
    const challenge = Buffer.alloc(16, 0x5a);
    expect(
      vncAuthResponse(challenge, 'abcdefgh-ignored').equals(vncAuthResponse(challenge, 'abcdefgh')),
    ).to.equal(true);
    expect(vncAuthResponse(challenge, 'ab').equals(vncAuthResponse(challenge, 'ab\0\0\0\0\0\0'))).to.equal(
      true,
    );
  });
});
