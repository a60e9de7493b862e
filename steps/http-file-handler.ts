import { open, readdir, realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { didYouMean } from '../config/did-you-mean.js';

/**
 * Request handlers for the build's HTTP server: a directory (`http_directory`) or an
 * in-memory map (`http_content`). Both answer GET and HEAD only, honour single byte ranges
 * (`Range: bytes=a-b`, `a-`, `-n`) with 206/416, and never serve anything outside what they
 * were given: `..` in the decoded path is refused (403), and so is a file whose real path,
 * after symbolic links, lies outside the directory.
 */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const TYPES: Readonly<Record<string, string>> = {
  '.cfg': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.sh': 'text/plain; charset=utf-8',
  '.ks': 'text/plain; charset=utf-8',
  '.seed': 'text/plain; charset=utf-8',
  '.preseed': 'text/plain; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'text/xml; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.ipxe': 'text/plain; charset=utf-8',
};

/** The Content-Type sent for a file name (octet-stream when unknown). */
export function contentTypeFor(name: string): string {
  return TYPES[path.extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** A parsed Range header: the inclusive byte span to send, 'unsatisfiable', or undefined for "send all". */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  // Several ranges or another unit: sending the whole body is a valid answer (RFC 9110 §14.2).
  if (!m) return undefined;
  const [, first, last] = m as unknown as [string, string, string];
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return undefined;
  return { start, end };
}

/** Decodes the request path; undefined when it cannot be decoded or holds a NUL. */
function requestPath(req: IncomingMessage): string | undefined {
  const raw = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
  try {
    const decoded = decodeURIComponent(raw);
    return decoded.includes('\0') ? undefined : decoded;
  } catch {
    return undefined;
  }
}

function plain(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${text}\n`);
}

/** Refuses what is not GET/HEAD; true when the request may go on. */
function methodAllowed(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  plain(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
  return false;
}

/** Sends `size` bytes through `body(start, end)` honouring Range and HEAD. */
async function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  size: number,
  headers: Record<string, string>,
  body: (start: number, end: number) => Promise<void>,
): Promise<void> {
  const range = parseRange(req.headers.range, size);
  const common = { 'Accept-Ranges': 'bytes', ...headers };
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...common, 'Content-Range': `bytes */${size}` });
    res.end();
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  const length = size === 0 ? 0 : end - start + 1;
  res.writeHead(range ? 206 : 200, {
    ...common,
    'Content-Length': String(length),
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
  });
  if (req.method === 'HEAD' || length === 0) {
    res.end();
    return;
  }
  await body(start, end);
}

/** Serves `http_content`: each key (`/ks.cfg`) is a path, each value its body. */
export function contentHandler(content: Readonly<Record<string, string>>): RequestHandler {
  const bodies = new Map<string, Buffer>();
  for (const [key, value] of Object.entries(content)) {
    bodies.set(path.posix.normalize(`/${key.replace(/^\/+/, '')}`), Buffer.from(value, 'utf8'));
  }
  return async (req, res) => {
    if (!methodAllowed(req, res)) return;
    const decoded = requestPath(req);
    if (decoded === undefined) return plain(res, 400, 'invalid URL path');
    const clean = path.posix.normalize(decoded);
    const body = bodies.get(clean);
    if (!body) {
      const guess = didYouMean(clean, bodies.keys());
      return plain(res, 404, `${clean} not found.${guess ? ` Did you mean ${JSON.stringify(guess)}?` : ''}`);
    }
    await sendBody(req, res, body.length, { 'Content-Type': contentTypeFor(clean) }, async (start, end) => {
      res.end(body.subarray(start, end + 1));
    });
  };
}

/** Serves the files under `root` (already a real, absolute directory path). */
export function directoryHandler(root: string): RequestHandler {
  return async (req, res) => {
    if (!methodAllowed(req, res)) return;
    const decoded = requestPath(req);
    if (decoded === undefined) return plain(res, 400, 'invalid URL path');
    const segments = decoded.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.includes('..') || segments.some((s) => s.includes('\\'))) {
      return plain(res, 403, 'forbidden');
    }
    const target = path.join(root, ...segments);
    let real: string;
    try {
      real = await realpath(target);
    } catch {
      // Missing, or a dangling link: both are simply not there.
      return plain(res, 404, `/${segments.join('/')} not found.`);
    }
    if (real !== root && !real.startsWith(root + path.sep)) return plain(res, 403, 'forbidden');
    const info = await stat(real);
    if (info.isDirectory()) {
      if (!decoded.endsWith('/')) {
        res.writeHead(301, { Location: `${encodePath(segments)}/` });
        res.end();
        return;
      }
      const index = path.join(real, 'index.html');
      const indexInfo = await stat(index).catch(() => undefined);
      if (indexInfo?.isFile() && (await realpath(index)).startsWith(root + path.sep)) {
        return sendFile(req, res, index, indexInfo.size, indexInfo.mtime);
      }
      return sendListing(req, res, real);
    }
    if (!info.isFile()) return plain(res, 403, 'forbidden');
    return sendFile(req, res, real, info.size, info.mtime);
  };
}

async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: string,
  size: number,
  mtime: Date,
): Promise<void> {
  // Opened before the headers go out, so an unreadable file is a clean 403.
  const handle = await open(file, 'r').catch(() => undefined);
  if (!handle) return plain(res, 403, 'forbidden');
  try {
    await sendBody(
      req,
      res,
      size,
      { 'Content-Type': contentTypeFor(file), 'Last-Modified': mtime.toUTCString() },
      async (start, end) => {
        await pipeline(handle.createReadStream({ start, end, autoClose: false }), res);
      },
    );
  } finally {
    await handle.close();
  }
}

async function sendListing(req: IncomingMessage, res: ServerResponse, dir: string): Promise<void> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .map((d) => (d.isDirectory() ? `${d.name}/` : d.name))
    .sort();
  const html = `<!doctype html>\n<pre>\n${names
    .map(
      (n) =>
        `<a href="${escapeHtml(encodeURIComponent(n.replace(/\/$/, '')) + (n.endsWith('/') ? '/' : ''))}">${escapeHtml(n)}</a>`,
    )
    .join('\n')}\n</pre>\n`;
  const body = Buffer.from(html, 'utf8');
  await sendBody(
    req,
    res,
    body.length,
    { 'Content-Type': 'text/html; charset=utf-8' },
    async (start, end) => {
      res.end(body.subarray(start, end + 1));
    },
  );
}

function encodePath(segments: readonly string[]): string {
  return `/${segments.map(encodeURIComponent).join('/')}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
