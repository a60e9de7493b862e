import { expect } from 'chai';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingMessage } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { keys } from '../../engine/keys.js';
import { isSdkError } from '../../errors/index.js';
import {
  bindAddressFor,
  defaultRouteInterface,
  guestAddressFor,
  listenInRange,
} from '../../steps/http-address.js';
import { parseRange } from '../../steps/http-file-handler.js';
import { StepHttpServer, validateHttpConfig, type HttpConfig } from '../../steps/step-http-server.js';
import { createMockState, MockUi, runStep, type StepRun } from '../../testing/index.js';
import { httpRequest } from './support/http-get.js';

const ROUTES = `Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth1\t00000000\t0101A8C0\t0003\t0\t0\t200\t00000000\t0\t0\t0
eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0
eth0\t0000000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
`;

const IFACES = {
  lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
  eth0: [
    { address: 'fe80::1', family: 'IPv6', internal: false },
    { address: '10.0.0.5', family: 'IPv4', internal: false },
  ],
  eth1: [{ address: '192.168.1.7', family: 'IPv4', internal: false }],
} as unknown as NodeJS.Dict<os.NetworkInterfaceInfo[]>;

function freePort(): Promise<NetServer & { port: number }> {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.listen(0, '127.0.0.1', () =>
      resolve(Object.assign(s, { port: (s.address() as { port: number }).port })),
    );
  });
}

function closeNet(s: NetServer): Promise<void> {
  return new Promise((resolve) => s.close(() => resolve()));
}

describe('steps/step-http-server', () => {
  let dir: string;
  let outside: string;
  let run: StepRun | undefined;
  const ui = new MockUi();

  const start = async (config: Partial<HttpConfig>, seed: [typeof keys.httpIp, string][] = []) => {
    const state = createMockState([[keys.ui, ui], ...seed]);
    run = await runStep(new StepHttpServer({ http_bind_address: '127.0.0.1', ...config }), { state });
    return run;
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-http-'));
    outside = await mkdtemp(path.join(os.tmpdir(), 'pkr-http-outside-'));
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'ks.cfg'), 'install\ntext\n');
    await writeFile(path.join(dir, 'sub', 'data.bin'), Buffer.from('0123456789'));
    await writeFile(path.join(outside, 'secret'), 'top secret');
    await symlink(path.join(outside, 'secret'), path.join(dir, 'escape'));
    await symlink(outside, path.join(dir, 'escape-dir'));
    await symlink(path.join(dir, 'ks.cfg'), path.join(dir, 'alias.cfg'));
    await symlink(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
  });

  afterEach(async () => {
    await run?.cleanup();
    run = undefined;
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('starts no server without http_directory or http_content, and records port 0', async () => {
    const r = await start({});
    expect(r.error).to.equal(undefined);
    expect(r.state.get(keys.httpPort)).to.equal(0);
    expect(r.state.has(keys.httpIp)).to.equal(false);
  });

  it('serves http_directory on a port of the range, with GET and HEAD', async () => {
    const r = await start({ http_directory: dir, http_port_min: 8000, http_port_max: 9000 });
    expect(r.error).to.equal(undefined);
    const port = r.state.require(keys.httpPort);
    expect(port).to.be.within(8000, 9000);
    expect(r.state.get(keys.httpIp)).to.equal('127.0.0.1');
    expect(ui.lines).to.include(`Starting HTTP server on address 127.0.0.1 and port ${port}`);

    const get = await httpRequest(port, '/ks.cfg');
    expect(get.status).to.equal(200);
    expect(get.body.toString()).to.equal('install\ntext\n');
    expect(get.headers['content-type']).to.equal('text/plain; charset=utf-8');
    expect(get.headers['accept-ranges']).to.equal('bytes');

    const head = await httpRequest(port, '/sub/data.bin', { method: 'HEAD' });
    expect(head.status).to.equal(200);
    expect(head.headers['content-length']).to.equal('10');
    expect(head.body.length).to.equal(0);

    expect((await httpRequest(port, '/ks.cfg', { method: 'POST' })).status).to.equal(405);
  });

  it('answers byte ranges with 206 and unsatisfiable ones with 416', async () => {
    const r = await start({ http_directory: dir });
    const port = r.state.require(keys.httpPort);
    const mid = await httpRequest(port, '/sub/data.bin', { headers: { Range: 'bytes=2-5' } });
    expect(mid.status).to.equal(206);
    expect(mid.body.toString()).to.equal('2345');
    expect(mid.headers['content-range']).to.equal('bytes 2-5/10');
    const tail = await httpRequest(port, '/sub/data.bin', { headers: { Range: 'bytes=-3' } });
    expect(tail.body.toString()).to.equal('789');
    const open = await httpRequest(port, '/sub/data.bin', { headers: { Range: 'bytes=7-' } });
    expect(open.body.toString()).to.equal('789');
    const past = await httpRequest(port, '/sub/data.bin', { headers: { Range: 'bytes=10-' } });
    expect(past.status).to.equal(416);
    expect(past.headers['content-range']).to.equal('bytes */10');
    const multi = await httpRequest(port, '/sub/data.bin', { headers: { Range: 'bytes=0-1,4-5' } });
    expect(multi.status).to.equal(200);
    expect(multi.body.toString()).to.equal('0123456789');
  });

  it('refuses path traversal and symbolic links that leave the directory', async () => {
    const r = await start({ http_directory: dir });
    const port = r.state.require(keys.httpPort);
    for (const hostile of [
      '/../' + path.basename(outside) + '/secret',
      '/%2e%2e/etc/passwd',
      '/sub/..%2f..%2fetc/passwd',
      '/escape',
      '/escape-dir/secret',
    ]) {
      const reply = await httpRequest(port, hostile);
      expect(reply.status, hostile).to.equal(403);
      expect(reply.body.toString(), hostile).not.to.contain('top secret');
    }
    expect((await httpRequest(port, '/alias.cfg')).body.toString()).to.equal('install\ntext\n');
    expect((await httpRequest(port, '/dangling')).status).to.equal(404);
    expect((await httpRequest(port, '/missing.cfg')).status).to.equal(404);
    expect((await httpRequest(port, '/%E0%A4%A')).status).to.equal(400);
  });

  it('redirects a directory to its slash form and lists it', async () => {
    const r = await start({ http_directory: dir });
    const port = r.state.require(keys.httpPort);
    const redirect = await httpRequest(port, '/sub');
    expect(redirect.status).to.equal(301);
    expect(redirect.headers.location).to.equal('/sub/');
    const listing = await httpRequest(port, '/sub/');
    expect(listing.status).to.equal(200);
    expect(listing.body.toString()).to.contain('<a href="data.bin">data.bin</a>');
  });

  it('serves http_content with ranges and a did-you-mean for a wrong path', async () => {
    const r = await start({ http_content: { '/ks.cfg': 'from memory', '/a/b.json': '{}' } });
    const port = r.state.require(keys.httpPort);
    const get = await httpRequest(port, '/ks.cfg');
    expect(get.body.toString()).to.equal('from memory');
    expect((await httpRequest(port, '/a/./b.json')).body.toString()).to.equal('{}');
    const range = await httpRequest(port, '/ks.cfg', { headers: { Range: 'bytes=5-' } });
    expect(range.status).to.equal(206);
    expect(range.body.toString()).to.equal('memory');
    const miss = await httpRequest(port, '/ks.cgf');
    expect(miss.status).to.equal(404);
    expect(miss.body.toString()).to.contain('Did you mean "/ks.cfg"?');
  });

  it('frees the port on cleanup, even with a client holding a connection open', async () => {
    const r = await start({ http_directory: dir });
    const port = r.state.require(keys.httpPort);
    // A keep-alive client that has its answer but keeps the socket.
    const keepAlive = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/ks.cfg', headers: { Connection: 'keep-alive' } },
        resolve,
      );
      req.on('error', reject);
      req.end();
    });
    keepAlive.resume();
    await r.cleanup();
    run = undefined;
    const again = createServer();
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => again.close(() => resolve()));
  });

  it('fails with PKR_ERR_HTTP_PORT when the only allowed port is taken', async () => {
    const busy = await freePort();
    try {
      const r = await start({ http_directory: dir, http_port_min: busy.port, http_port_max: busy.port });
      expect(isSdkError(r.error, 'PKR_ERR_HTTP_PORT'), String(r.error)).to.equal(true);
      expect((r.error as Error).message).to.contain(`no free port in ${busy.port}..${busy.port}`);
    } finally {
      await closeNet(busy);
    }
  });

  it('tries the next port of the range when one is taken', async () => {
    const busy = await freePort();
    const server = createServer();
    try {
      // Start at the taken port (random 0) with a range of two; the second may be taken too
      // by something else on this host, which the error case would show.
      const port = await listenInRange(server, {
        min: busy.port,
        max: busy.port + 1,
        host: '127.0.0.1',
        random: () => 0,
      }).catch((err: unknown) => err);
      if (typeof port === 'number') expect(port).to.equal(busy.port + 1);
      else expect(isSdkError(port, 'PKR_ERR_HTTP_PORT')).to.equal(true);
    } finally {
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      await closeNet(busy);
    }
  });

  it('refuses a missing http_directory and both sources at once', async () => {
    const missing = await start({ http_directory: path.join(dir, 'nope') });
    expect(isSdkError(missing.error, 'PKR_ERR_HTTP_DIRECTORY')).to.equal(true);
    await missing.cleanup();
    const both = await start({ http_directory: dir, http_content: { '/x': 'y' } });
    expect(isSdkError(both.error, 'PKR_ERR_CONFIG_INVALID')).to.equal(true);
  });

  it('stops at once when the build is already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    run = await runStep(new StepHttpServer({ http_directory: dir, http_bind_address: '127.0.0.1' }), {
      state: createMockState([[keys.ui, ui]]),
      signal: controller.signal,
    });
    expect(isSdkError(run.error, 'PKR_ERR_CANCELLED')).to.equal(true);
  });

  describe('the address the guest is told', () => {
    const network = { interfaces: () => IFACES, routeTable: async () => ROUTES };

    it('prefers http_callback_address, then a builder-set keys.httpIp', async () => {
      const a = await start({ http_directory: dir, http_callback_address: 'build-host.example' }, [
        [keys.httpIp, '10.0.2.2'],
      ]);
      expect(a.state.get(keys.httpIp)).to.equal('build-host.example');
      await a.cleanup();
      const b = await start({ http_directory: dir }, [[keys.httpIp, '10.0.2.2']]);
      expect(b.state.get(keys.httpIp)).to.equal('10.0.2.2');
    });

    it('binds to http_interface and tells its address', async () => {
      const state = createMockState([[keys.ui, ui]]);
      run = await runStep(new StepHttpServer({ http_directory: dir, http_interface: 'lo' }), { state });
      expect(run.error).to.equal(undefined);
      expect(state.get(keys.httpIp)).to.equal('127.0.0.1');
      expect((await httpRequest(state.require(keys.httpPort), '/ks.cfg')).status).to.equal(200);
    });

    it('refuses an unknown http_interface', async () => {
      const state = createMockState([[keys.ui, ui]]);
      run = await runStep(new StepHttpServer({ http_directory: dir, http_interface: 'nope0' }, { network }), {
        state,
      });
      expect(isSdkError(run.error, 'PKR_ERR_HTTP_INTERFACE')).to.equal(true);
      expect((run.error as Error).message).to.contain('eth0, eth1, lo');
    });

    it('uses the default-route interface for a wildcard bind', async () => {
      expect(defaultRouteInterface(ROUTES)).to.equal('eth0');
      expect(await guestAddressFor('0.0.0.0', '', network)).to.equal('10.0.0.5');
      expect(
        await guestAddressFor('::', '', { interfaces: () => IFACES, routeTable: async () => undefined }),
      ).to.equal('10.0.0.5');
      expect(
        await guestAddressFor('0.0.0.0', '', { interfaces: () => ({}), routeTable: async () => undefined }),
      ).to.equal('127.0.0.1');
      expect(await guestAddressFor('192.168.1.7', '', network)).to.equal('192.168.1.7');
      expect(bindAddressFor('[::]', '')).to.equal('::');
      expect(bindAddressFor('', '')).to.equal('0.0.0.0');
    });
  });

  describe('config rules', () => {
    it('reports Packer’s cross-field problems with paths', () => {
      expect(
        validateHttpConfig({
          http_port_min: 9000,
          http_port_max: 8000,
          http_directory: 'http',
          http_content: { 'ks.cfg': '' },
          http_interface: 'eth0',
          http_bind_address: '10.0.0.1',
        }).map((p) => p.path),
      ).to.deep.equal(['http_port_min', 'http_content', 'http_interface', 'http_content["ks.cfg"]']);
      expect(validateHttpConfig({ http_interface: 'eth0', http_bind_address: '0.0.0.0' })).to.deep.equal([]);
    });

    it('parses single byte ranges as RFC 9110 says', () => {
      expect(parseRange(undefined, 10)).to.equal(undefined);
      expect(parseRange('bytes=0-0', 10)).to.deep.equal({ start: 0, end: 0 });
      expect(parseRange('bytes=5-100', 10)).to.deep.equal({ start: 5, end: 9 });
      expect(parseRange('bytes=-100', 10)).to.deep.equal({ start: 0, end: 9 });
      expect(parseRange('bytes=-0', 10)).to.equal('unsatisfiable');
      expect(parseRange('bytes=10-', 10)).to.equal('unsatisfiable');
      expect(parseRange('bytes=5-2', 10)).to.equal(undefined);
      expect(parseRange('items=1-2', 10)).to.equal(undefined);
    });
  });
});
