import net from 'node:net';
import ssh2 from 'ssh2';
import type { Connection, ParsedKey, ServerChannel } from 'ssh2';

export type ExecHandler = (stream: ServerChannel, command: string, socket: net.Socket) => void;

export interface FakeServer {
  port: number;
  /** TCP connections accepted so far. */
  connections: number;
  /** Every exec request received. */
  commands: string[];
  close(): Promise<void>;
}

/**
 * ssh2's in-process server behind our own TCP listener (so a spec can kill or freeze the raw
 * socket). Accepts password "pw" (and keyboard-interactive answering "pw") unless `auth`
 * says otherwise; exec requests go to `onExec`.
 */
export async function startFakeServer(options: {
  hostKey: string;
  onExec?: ExecHandler;
  methods?: ('password' | 'keyboard-interactive' | 'publickey')[];
  /** An authorized_keys line accepted for publickey authentication. */
  authorizedKey?: string;
}): Promise<FakeServer> {
  const sockets = new Set<net.Socket>();
  const state = { connections: 0 };
  const methods = options.methods ?? ['password', 'keyboard-interactive'];
  const commands: string[] = [];
  const allowed = options.authorizedKey
    ? (ssh2.utils.parseKey(options.authorizedKey) as ParsedKey)
    : undefined;
  const server = new ssh2.Server({ hostKeys: [options.hostKey] }, () => undefined);
  const tcp = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    server.injectSocket(socket);
  });
  server.on('connection', (client: Connection) => {
    const socket = [...sockets].at(-1)!;
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password' && methods.includes('password') && ctx.password === 'pw')
        return ctx.accept();
      if (ctx.method === 'keyboard-interactive' && methods.includes('keyboard-interactive')) {
        ctx.prompt([{ prompt: 'Password: ', echo: false }], 'login', 'answer please', (answers) =>
          answers[0] === 'pw' ? ctx.accept() : ctx.reject(methods),
        );
        return;
      }
      if (ctx.method === 'publickey' && allowed && methods.includes('publickey')) {
        const matches = ctx.key.algo === allowed.type && ctx.key.data.equals(allowed.getPublicSSH());
        if (matches && !ctx.signature) return ctx.accept();
        if (matches && ctx.blob && allowed.verify(ctx.blob, ctx.signature!, ctx.hashAlgo) === true)
          return ctx.accept();
      }
      ctx.reject(methods);
    });
    client.on('session', (accept) => {
      const session = accept();
      session.on('exec', (acceptExec, _reject, info) => {
        const stream = acceptExec();
        commands.push(info.command);
        if (options.onExec) options.onExec(stream, info.command, socket);
        else {
          stream.exit(0);
          stream.end();
        }
      });
    });
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  return {
    port: (tcp.address() as net.AddressInfo).port,
    get connections() {
      return state.connections;
    },
    commands,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
