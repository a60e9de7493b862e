import { open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { abortReason } from '../engine/clock.js';
import { SdkError } from '../errors/index.js';
import type { Ui } from '../packer/ui.js';

/**
 * Downloads over HTTP(S) into `<target>.part`, renaming nothing itself: the caller moves the
 * part into place once it is complete and verified. When the server takes byte ranges, a
 * dropped transfer is resumed from where it stopped (`Range`, with `If-Range` so a file that
 * changed meanwhile starts over), within this call and across builds: `<target>.part.json`
 * remembers the URL and validator of a resumable part. A part that cannot be resumed is
 * removed.
 */

export interface HttpDownloadOptions {
  readonly signal: AbortSignal;
  readonly ui?: Ui;
  /** Resumes tried after a dropped transfer before giving up on this URL; default 3. */
  readonly resumeAttempts?: number;
  /** A stalled connection is dropped after this long without data; default 30 min (Packer's). */
  readonly readTimeoutMs?: number;
  /** Extra request headers (e.g. authorisation for a private mirror). */
  readonly headers?: Readonly<Record<string, string>>;
}

interface PartMeta {
  url: string;
  validator?: string;
}

/** An HTTP answer that no retry will change (4xx/5xx, a bad redirect). */
export class HttpStatusError extends SdkError {
  constructor(
    url: string,
    readonly status: number,
    message: string,
  ) {
    super('PKR_ERR_DOWNLOAD_FAILED', `${url}: ${message}`, { details: { url, status } });
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Fetches `url` into `part`; resolves once the part holds the whole body. */
export async function downloadHttp(url: string, part: string, options: HttpDownloadOptions): Promise<void> {
  const metaPath = `${part}.json`;
  const attempts = options.resumeAttempts ?? 3;
  for (let attempt = 0; ; attempt++) {
    const meta = await readMeta(metaPath);
    const offset = meta?.url === url ? await sizeOf(part) : 0;
    if (offset === 0) await rm(part, { force: true });
    try {
      const result = await transfer(url, part, metaPath, offset, meta?.validator, options);
      if (result === 'restart') {
        if (attempt >= attempts) {
          throw new SdkError(
            'PKR_ERR_DOWNLOAD_FAILED',
            `${url}: the server keeps refusing to resume the download`,
          );
        }
        continue;
      }
      await rm(metaPath, { force: true });
      return;
    } catch (err) {
      const resumable = (await readMeta(metaPath)) !== undefined;
      if (options.signal.aborted) {
        // Keep what can be resumed by the next build; the rest is useless.
        if (!resumable) await rm(part, { force: true });
        throw abortReason(options.signal);
      }
      if (err instanceof HttpStatusError || !resumable || attempt >= attempts) {
        if (!resumable || err instanceof HttpStatusError) await removePart(part, metaPath);
        throw err;
      }
      await options.ui?.say(`Download of ${url} was interrupted; resuming at byte ${await sizeOf(part)}`);
    }
  }
}

/** Removes a partial download and its resume record. */
export async function removePart(part: string, metaPath = `${part}.json`): Promise<void> {
  await rm(part, { force: true });
  await rm(metaPath, { force: true });
}

async function transfer(
  url: string,
  part: string,
  metaPath: string,
  offset: number,
  validator: string | undefined,
  options: HttpDownloadOptions,
): Promise<'done' | 'restart'> {
  const headers: Record<string, string> = { 'User-Agent': 'packer-plugin-sdk', ...options.headers };
  if (offset > 0) {
    headers.Range = `bytes=${offset}-`;
    if (validator) headers['If-Range'] = validator;
  }
  const res = await get(url, headers, options);
  try {
    if (res.statusCode === 416 && offset > 0) {
      // The part is no prefix of what the server has now (or is all of it): start over.
      await removePart(part, metaPath);
      return 'restart';
    }
    if (res.statusCode !== 200 && res.statusCode !== 206) {
      throw new HttpStatusError(
        url,
        res.statusCode ?? 0,
        `server answered ${res.statusCode} ${res.statusMessage ?? ''}`.trim(),
      );
    }
    let start = 0;
    if (res.statusCode === 206) {
      const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(res.headers['content-range'] ?? '');
      if (!range || Number(range[1]) !== offset) {
        await removePart(part, metaPath);
        return 'restart';
      }
      start = offset;
    }
    const length =
      res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
    const total = length === undefined ? 0 : start + length;
    const ranges = res.statusCode === 206 || res.headers['accept-ranges']?.toLowerCase() === 'bytes';
    const newValidator = strongValidator(res);
    if (ranges && length !== undefined)
      await writeMeta(metaPath, { url, ...(newValidator ? { validator: newValidator } : {}) });
    else await rm(metaPath, { force: true });

    const progress = await options.ui?.trackProgress(url, total, start);
    let received = 0;
    // Written chunk by chunk, each awaited: whatever arrived before a drop is on disk for
    // the resume (a stream pipeline would discard its buffered writes on the error).
    const file = await open(part, start > 0 ? 'a' : 'w');
    try {
      for await (const chunk of res) {
        const bytes = chunk as Buffer;
        await file.write(bytes);
        received += bytes.length;
        progress?.add(bytes.length);
      }
    } finally {
      await file.close();
      await progress?.close();
    }
    if (length !== undefined && received !== length) {
      throw new SdkError(
        'PKR_ERR_DOWNLOAD_FAILED',
        `${url}: the connection closed after ${received} of ${length} bytes`,
      );
    }
    return 'done';
  } finally {
    res.resume();
  }
}

/** ETag when strong, else Last-Modified: what If-Range may carry. */
function strongValidator(res: IncomingMessage): string | undefined {
  const etag = res.headers.etag;
  if (etag && !etag.startsWith('W/')) return etag;
  return res.headers['last-modified'];
}

/** GET with redirects followed (at most 10), cancelled by the signal, dropped when it stalls. */
function get(
  url: string,
  headers: Record<string, string>,
  options: Pick<HttpDownloadOptions, 'signal' | 'readTimeoutMs'>,
  hops = 0,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch (err) {
      reject(new SdkError('PKR_ERR_DOWNLOAD_FAILED', `${url} is not a valid URL`, { cause: err }));
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { headers, signal: options.signal }, (res) => {
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode ?? 0) && location) {
        res.resume();
        if (hops >= 10) {
          reject(new HttpStatusError(url, res.statusCode ?? 0, 'too many redirects'));
          return;
        }
        get(new URL(location, target).toString(), headers, options, hops + 1).then(resolve, reject);
        return;
      }
      resolve(res);
    });
    req.setTimeout(options.readTimeoutMs ?? 30 * 60_000, () => {
      req.destroy(
        new SdkError(
          'PKR_ERR_DOWNLOAD_FAILED',
          `${url}: no data received for ${(options.readTimeoutMs ?? 1_800_000) / 1000}s`,
        ),
      );
    });
    req.on('error', (err) => reject(options.signal.aborted ? abortReason(options.signal) : err));
    req.end();
  });
}

async function sizeOf(file: string): Promise<number> {
  return (await stat(file).catch(() => undefined))?.size ?? 0;
}

async function readMeta(metaPath: string): Promise<PartMeta | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(metaPath, 'utf8'));
    if (typeof value !== 'object' || value === null) return undefined;
    const { url, validator } = value as Record<string, unknown>;
    if (typeof url !== 'string') return undefined;
    return { url, ...(typeof validator === 'string' ? { validator } : {}) };
  } catch {
    return undefined;
  }
}

async function writeMeta(metaPath: string, meta: PartMeta): Promise<void> {
  await writeFile(metaPath, JSON.stringify(meta));
}

/**
 * Fetches a small text resource (a checksum file) into memory, at most `limit` bytes.
 * @throws HttpStatusError for a non-200 answer; SdkError `PKR_ERR_DOWNLOAD_FAILED` when too big.
 */
export async function fetchText(
  url: string,
  options: Pick<HttpDownloadOptions, 'signal' | 'headers' | 'readTimeoutMs'>,
  limit = 16 * 1024 * 1024,
): Promise<string> {
  const res = await get(url, { 'User-Agent': 'packer-plugin-sdk', ...options.headers }, options);
  if (res.statusCode !== 200) {
    res.resume();
    throw new HttpStatusError(
      url,
      res.statusCode ?? 0,
      `server answered ${res.statusCode} ${res.statusMessage ?? ''}`.trim(),
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      res.destroy();
      throw new SdkError(
        'PKR_ERR_DOWNLOAD_FAILED',
        `${url} is larger than ${limit} bytes; it is no checksum file`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
