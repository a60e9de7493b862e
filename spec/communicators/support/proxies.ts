import net from 'node:net';

/** A tiny proxy server for specs: counts tunnels, optionally demands credentials. */
export interface TestProxy {
  port: number;
  tunnels: number;
  /** Destinations asked for, as host:port. */
  targets: string[];
  close(): Promise<void>;
}

function pipeBoth(a: net.Socket, b: net.Socket): void {
  a.pipe(b).pipe(a);
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
}

async function listen(server: net.Server, sockets: Set<net.Socket>): Promise<number> {
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
}

/** A SOCKS5 server (RFC 1928 CONNECT; RFC 1929 auth when `credentials` is given). */
export async function startSocks5Proxy(credentials?: {
  username: string;
  password: string;
}): Promise<TestProxy> {
  const sockets = new Set<net.Socket>();
  const state = { tunnels: 0, targets: [] as string[] };
  const server = net.createServer((client) => {
    let buf = Buffer.alloc(0);
    let phase: 'greeting' | 'auth' | 'request' = 'greeting';
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      if (phase === 'greeting') {
        if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
        const methods = [...buf.subarray(2, 2 + buf[1]!)];
        buf = buf.subarray(2 + buf[1]!);
        const want = credentials ? 2 : 0;
        if (!methods.includes(want)) {
          client.end(Buffer.from([5, 0xff]));
          return;
        }
        client.write(Buffer.from([5, want]));
        phase = credentials ? 'auth' : 'request';
      }
      if (phase === 'auth') {
        if (buf.length < 2) return;
        const ulen = buf[1]!;
        if (buf.length < 3 + ulen) return;
        const plen = buf[2 + ulen]!;
        if (buf.length < 3 + ulen + plen) return;
        const user = buf.subarray(2, 2 + ulen).toString();
        const pass = buf.subarray(3 + ulen, 3 + ulen + plen).toString();
        buf = buf.subarray(3 + ulen + plen);
        const ok = user === credentials!.username && pass === credentials!.password;
        client.write(Buffer.from([1, ok ? 0 : 1]));
        if (!ok) {
          client.end();
          return;
        }
        phase = 'request';
      }
      if (phase === 'request') {
        if (buf.length < 5) return;
        const atyp = buf[3]!;
        let host: string;
        let end: number;
        if (atyp === 1) {
          end = 4 + 4;
          if (buf.length < end + 2) return;
          host = [...buf.subarray(4, 8)].join('.');
        } else if (atyp === 3) {
          end = 5 + buf[4]!;
          if (buf.length < end + 2) return;
          host = buf.subarray(5, end).toString();
        } else {
          client.end(Buffer.from([5, 8, 0, 1, 0, 0, 0, 0, 0, 0]));
          return;
        }
        const port = buf.readUInt16BE(end);
        client.off('data', onData);
        state.targets.push(`${host}:${port}`);
        const upstream = net.connect({ host, port }, () => {
          state.tunnels++;
          client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
          pipeBoth(client, upstream);
        });
        upstream.once('error', () => client.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0])));
      }
    };
    client.on('data', onData);
    client.on('error', () => undefined);
  });
  const port = await listen(server, sockets);
  return {
    port,
    get tunnels() {
      return state.tunnels;
    },
    targets: state.targets,
    close: closer(server, sockets),
  };
}

/** An HTTP CONNECT proxy; with `credentials` it answers 407 without the right Basic token. */
export async function startHttpConnectProxy(credentials?: {
  username: string;
  password: string;
}): Promise<TestProxy> {
  const sockets = new Set<net.Socket>();
  const state = { tunnels: 0, targets: [] as string[] };
  const server = net.createServer((client) => {
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const [requestLine, ...headers] = head.slice(0, end).split('\r\n');
      const m = /^CONNECT (\S+):(\d+) HTTP\/1\.[01]$/.exec(requestLine ?? '');
      if (!m) {
        client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        return;
      }
      if (credentials) {
        const token = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
        if (!headers.some((h) => h === `Proxy-Authorization: Basic ${token}`)) {
          client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
          return;
        }
      }
      state.targets.push(`${m[1]}:${m[2]}`);
      const upstream = net.connect({ host: m[1]!, port: Number(m[2]) }, () => {
        state.tunnels++;
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        pipeBoth(client, upstream);
      });
      upstream.once('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    };
    client.on('data', onData);
    client.on('error', () => undefined);
  });
  const port = await listen(server, sockets);
  return {
    port,
    get tunnels() {
      return state.tunnels;
    },
    targets: state.targets,
    close: closer(server, sockets),
  };
}
