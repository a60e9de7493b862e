import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What one path of the test server answers. */
export interface Served {
  readonly body: Buffer;
  /** Honour Range (and advertise it); default true. */
  readonly ranges?: boolean;
  /**
   * For the first N GETs, send this many body bytes and then drop the connection; with
   * `thenStop` the whole server stops listening first (it died).
   */
  readonly dieAfter?: { readonly bytes: number; readonly times: number; readonly thenStop?: boolean };
  /** Hold the body of the first GET until this resolves (headers go out at once). */
  readonly hold?: Promise<void>;
  readonly etag?: string;
}

export interface RequestLog {
  readonly method: string;
  readonly path: string;
  readonly range: string | undefined;
  readonly ifRange: string | undefined;
}

/**
 * A real HTTP server for download specs, with faults on demand: dropped connections after a
 * number of bytes, no range support, a held body, redirects (`/redirect/<path>`).
 */
export class FileServer {
  readonly requests: RequestLog[] = [];
  readonly #files = new Map<string, Served>();
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #gets = new Map<string, number>();
  #waiters: { count: number; resolve: () => void }[] = [];
  port = 0;

  constructor() {
    this.#server = createServer((req, res) => {
      void this.#handle(req, res);
    });
    this.#server.on('connection', (s: Socket) => {
      this.#sockets.add(s);
      s.once('close', () => this.#sockets.delete(s));
    });
  }

  serve(path: string, served: Served): this {
    this.#files.set(path, served);
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** GET requests seen for `path`. */
  gets(path: string): number {
    return this.#gets.get(path) ?? 0;
  }

  /** Resolves once `count` requests have arrived in total. */
  requestsReach(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  async listen(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.#server.address() as { port: number }).port;
    return this;
  }

  /** Stops listening and drops every connection (a server that dies). */
  async close(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    await closed;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    this.requests.push({
      method: req.method ?? '',
      path,
      range: req.headers.range,
      ifRange: req.headers['if-range'] as string | undefined,
    });
    for (const w of this.#waiters.filter((x) => this.requests.length >= x.count)) {
      this.#waiters.splice(this.#waiters.indexOf(w), 1);
      w.resolve();
    }
    if (path.startsWith('/redirect/')) {
      res.writeHead(302, { Location: path.slice('/redirect'.length) });
      res.end();
      return;
    }
    const served = this.#files.get(path);
    if (!served) {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    const n = (this.#gets.get(path) ?? 0) + 1;
    this.#gets.set(path, n);
    const ranges = served.ranges ?? true;
    const etag = served.etag ?? '"v1"';
    const size = served.body.length;
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const validatorOk = req.headers['if-range'] === undefined || req.headers['if-range'] === etag;
    if (ranges && m && validatorOk) {
      start = Number(m[1]);
      if (start >= size) {
        res.writeHead(416, { 'Content-Range': `bytes */${size}` });
        res.end();
        return;
      }
      res.writeHead(206, {
        'Content-Length': String(size - start),
        'Content-Range': `bytes ${start}-${size - 1}/${size}`,
        'Accept-Ranges': 'bytes',
        ETag: etag,
      });
    } else {
      res.writeHead(200, {
        'Content-Length': String(size),
        ...(ranges ? { 'Accept-Ranges': 'bytes', ETag: etag } : {}),
      });
    }
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.flushHeaders();
    if (n === 1 && served.hold) await served.hold;
    const body = served.body.subarray(start);
    if (served.dieAfter && n <= served.dieAfter.times) {
      const stop = served.dieAfter.thenStop;
      res.write(body.subarray(0, served.dieAfter.bytes), () => {
        if (stop) this.#server.close();
        res.socket?.destroy();
      });
      return;
    }
    res.end(body);
  }
}
