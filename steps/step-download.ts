import { Type, type Static } from '@sinclair/typebox';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigProblem } from '../config/problem.js';
import { abortReason, systemClock, type Clock } from '../engine/clock.js';
import { keys } from '../engine/keys.js';
import { stateKey, type State, type StateKey } from '../engine/state.js';
import type { Step, StepContext, StepResult } from '../engine/step.js';
import { describeError, isSdkError, SdkError } from '../errors/index.js';
import type { Ui } from '../packer/ui.js';
import {
  findChecksum,
  formatChecksum,
  parseChecksum,
  parseChecksumFile,
  verifyChecksum,
  type Checksum,
  type ChecksumSpec,
} from './checksum.js';
import { acquireFileLock } from './file-lock.js';
import { downloadHttp, fetchText, removePart } from './http-download.js';

/** Packer's ISOConfig fields. Spread `isoConfig.properties`; add {@link validateIsoConfig} to the validate hook. */
export const isoConfig = Type.Object({
  iso_checksum: Type.String({
    default: '',
    description:
      'Checksum of the ISO: "sha256:<hex>" (or md5/sha1/sha512), bare hex (type guessed from its length), "file:<url or path>" of a checksum file listing the ISO by name, or "none" (not recommended). Required.',
  }),
  iso_url: Type.String({
    default: '',
    description: 'URL (http, https, file) or local path of the ISO. One of iso_url and iso_urls is required.',
  }),
  iso_urls: Type.Array(Type.String(), {
    default: [],
    description: 'URLs of the same ISO, tried in order until one works; instead of iso_url.',
  }),
  iso_target_path: Type.String({
    default: '',
    description:
      'Where to store the download: a file path, or a directory when it has no extension. Default: the cache (PACKER_CACHE_DIR, default ./packer_cache).',
  }),
  iso_target_extension: Type.String({
    default: 'iso',
    description: 'Extension of the cached file.',
  }),
});

export type IsoConfig = Static<typeof isoConfig>;

/** The rules of Packer's ISOConfig.Prepare: problems with field paths, and warnings. */
export function validateIsoConfig(config: Partial<IsoConfig>): {
  problems: ConfigProblem[];
  warnings: string[];
} {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const single = config.iso_url ?? '';
  const many = config.iso_urls ?? [];
  if (single !== '' && many.length > 0) {
    problems.push({ path: 'iso_urls', message: 'only one of iso_url or iso_urls may be specified' });
  } else if (single === '' && many.length === 0) {
    problems.push({ path: 'iso_url', message: 'one of iso_url or iso_urls must be specified' });
  }
  try {
    const spec = parseChecksum(config.iso_checksum ?? '');
    if (spec.kind === 'none') {
      warnings.push(
        "A checksum of 'none' was specified. Since ISO files are so big, a checksum is highly recommended.",
      );
    }
  } catch (err) {
    problems.push({ path: 'iso_checksum', message: isSdkError(err) ? err.message : String(err) });
  }
  return { problems, warnings };
}

/** What to download: Packer's StepDownload fields. */
export interface DownloadSource {
  /** Tried in order; http(s) URLs are cached, file:// URLs and plain paths are used in place. */
  readonly urls: readonly string[];
  /** A checksum setting as {@link parseChecksum} reads it. */
  readonly checksum: string;
  /** A file path, or a directory when it has no extension (Packer's iso_target_path). */
  readonly targetPath?: string;
  /** Extension of the cached file, without the dot (default none). */
  readonly extension?: string;
}

export interface StepDownloadOptions {
  /** Step name; default "download". */
  readonly name?: string;
  /** What is being fetched, for the Ui ("ISO", "Guest Additions"); default "ISO". */
  readonly description?: string;
  /** Where the local path goes; default `keys.isoPath`. */
  readonly resultKey?: StateKey<string>;
  /** The cache; default `PACKER_CACHE_DIR`, else `./packer_cache` (Packer 1.6's default). */
  readonly cacheDir?: string;
  /** Where relative paths start (default: the working directory). */
  readonly cwd?: string;
  /** Time source for waiting on another process's lock. */
  readonly clock?: Clock;
  /** How often a process waiting for another's download looks again; default 1000 ms. */
  readonly lockPollMs?: number;
  /** Resumes after a dropped transfer before the next URL is tried; default 3. */
  readonly resumeAttempts?: number;
  /** A stalled connection is dropped after this long; default 30 minutes. */
  readonly readTimeoutMs?: number;
}

/** The URL that was used in the end (Packer's `SourceImageURL`). */
export const sourceImageUrlKey: StateKey<string> = stateKey<string>('SourceImageURL');

/**
 * Fetches a file (an ISO, a disk image) from the first of its URLs that works, verifies its
 * checksum and puts its local path in the state (`keys.isoPath` by default).
 *
 * - `http(s)://` downloads land in the cache under the SHA-1 of the checksum (of the URL with
 *   "none"), so builds with the same checksum share them. A lock file (`<file>.lock`) makes
 *   parallel builds, even in separate processes, download once: the others wait and reuse it.
 *   Transfers show progress on the Ui, resume with HTTP ranges after a drop, and go through a
 *   `.part` file, so the cache never holds a half file under the final name.
 * - `file://` URLs and plain paths are used where they are, after the checksum check.
 * - A checksum mismatch removes the download (never a local file given as the source) and
 *   tries the next URL; when all fail, the error lists each URL with its failure.
 * Cached files stay after the build, as in Packer; there is nothing to clean up.
 */
export class StepDownload implements Step {
  readonly name: string;
  readonly #source: DownloadSource;
  readonly #options: StepDownloadOptions;

  constructor(source: DownloadSource, options: StepDownloadOptions = {}) {
    this.#source = source;
    this.#options = options;
    this.name = options.name ?? 'download';
  }

  async run(state: State, ctx: StepContext): Promise<StepResult> {
    const { urls } = this.#source;
    if (urls.length === 0) return 'continue';
    const ui = state.require(keys.ui);
    const spec = parseChecksum(this.#source.checksum);
    const description = this.#options.description ?? 'ISO';
    await ui.say(`Retrieving ${description}`);
    const failures: { url: string; error: unknown }[] = [];
    for (const url of urls) {
      if (ctx.signal.aborted) throw abortReason(ctx.signal);
      await ui.say(`Trying ${url}`);
      try {
        const local = await this.#fetch(url, spec, ui, ctx.signal);
        await ui.say(`${url} => ${local}`);
        state.put(this.#options.resultKey ?? keys.isoPath, local);
        state.put(sourceImageUrlKey, url);
        return 'continue';
      } catch (err) {
        if (ctx.signal.aborted) throw abortReason(ctx.signal);
        await ui.say(`Download failed: ${describeError(err)}`);
        failures.push({ url, error: err });
      }
    }
    const only = failures.length === 1 ? failures[0]!.error : undefined;
    if (isSdkError(only)) throw only;
    if (only !== undefined) {
      throw new SdkError(
        'PKR_ERR_DOWNLOAD_FAILED',
        `error downloading ${description} from ${urls[0]}: ${describeError(only)}`,
        {
          cause: only,
          details: { urls: [urls[0]] },
        },
      );
    }
    throw new SdkError(
      'PKR_ERR_DOWNLOAD_FAILED',
      `error downloading ${description}:\n${failures.map((f) => `* ${f.url}: ${describeError(f.error)}`).join('\n')}`,
      { cause: failures.at(-1)!.error, details: { urls: failures.map((f) => f.url) } },
    );
  }

  async #fetch(url: string, spec: ChecksumSpec, ui: Ui, signal: AbortSignal): Promise<string> {
    const cwd = this.#options.cwd ?? process.cwd();
    const expected = await this.#expected(spec, url, cwd, signal);
    const local = localPath(url, cwd);
    if (local !== undefined) {
      const info = await stat(local).catch(() => undefined);
      if (!info?.isFile()) {
        throw new SdkError('PKR_ERR_DOWNLOAD_FAILED', `${local} does not exist or is not a file`, {
          details: { path: local },
        });
      }
      if (expected) await verifyChecksum(local, expected, signal);
      return local;
    }
    if (!/^https?:\/\//i.test(url)) {
      throw new SdkError(
        'PKR_ERR_DOWNLOAD_FAILED',
        `${url}: only http, https and file URLs (or local paths) are supported`,
      );
    }
    const target = this.#target(url, expected, cwd);
    await mkdir(path.dirname(target), { recursive: true }).catch((err: unknown) => {
      throw new SdkError(
        'PKR_ERR_CACHE_LOCK',
        `cannot create the cache directory ${path.dirname(target)}: ${describeError(err)}`,
        {
          cause: err,
        },
      );
    });
    const release = await acquireFileLock(`${target}.lock`, {
      signal,
      clock: this.#options.clock ?? systemClock,
      pollMs: this.#options.lockPollMs ?? 1000,
      onWait: () => ui.say(`Waiting for another process that is downloading ${target}...`),
    });
    try {
      if ((await stat(target).catch(() => undefined))?.isFile()) {
        if (!expected) return target;
        try {
          await verifyChecksum(target, expected, signal);
          return target;
        } catch (err) {
          if (!isSdkError(err, 'PKR_ERR_CHECKSUM_MISMATCH')) throw err;
          await ui.say(`Cached ${target} does not match its checksum; downloading it again`);
        }
      }
      const part = `${target}.part`;
      await downloadHttp(url, part, {
        signal,
        ui,
        ...(this.#options.resumeAttempts === undefined
          ? {}
          : { resumeAttempts: this.#options.resumeAttempts }),
        ...(this.#options.readTimeoutMs === undefined ? {} : { readTimeoutMs: this.#options.readTimeoutMs }),
      });
      if (expected) {
        try {
          await verifyChecksum(part, expected, signal);
        } catch (err) {
          await removePart(part);
          if (!isSdkError(err, 'PKR_ERR_CHECKSUM_MISMATCH')) throw err;
          await ui.say(`Checksum did not match, removing ${target}`);
          throw new SdkError(
            'PKR_ERR_CHECKSUM_MISMATCH',
            `${url}: expected ${expected.type} ${expected.hex}, got ${String(err.details.actual)}; the download was removed`,
            { details: { ...err.details, url } },
          );
        }
      }
      await rename(part, target);
      return target;
    } finally {
      await release();
    }
  }

  /** The checksum for this URL; undefined for "none". */
  async #expected(
    spec: ChecksumSpec,
    url: string,
    cwd: string,
    signal: AbortSignal,
  ): Promise<Checksum | undefined> {
    if (spec.kind === 'none') return undefined;
    if (spec.kind === 'value') return spec;
    const location = spec.location;
    const text = /^https?:\/\//i.test(location)
      ? await fetchText(location, { signal })
      : await readFile(localPath(location, cwd) ?? location, 'utf8').catch((err: unknown) => {
          throw new SdkError('PKR_ERR_CHECKSUM_INVALID', `checksum file ${location} cannot be read`, {
            cause: err,
          });
        });
    return findChecksum(parseChecksumFile(text), fileNameOf(url), location);
  }

  /** Packer's cache naming: sha1 of the checksum (or the URL), plus the extension. */
  #target(url: string, expected: Checksum | undefined, cwd: string): string {
    const key = createHash('sha1')
      .update(expected ? formatChecksum(expected) : url)
      .digest('hex');
    const ext = this.#source.extension ?? '';
    const name = ext === '' ? key : `${key}.${ext}`;
    const given = this.#source.targetPath ?? '';
    if (given !== '') {
      const abs = path.resolve(cwd, given);
      return path.extname(abs) === '' ? path.join(abs, ext === '' ? `${key}.iso` : name) : abs;
    }
    const cacheDir = this.#options.cacheDir ?? process.env.PACKER_CACHE_DIR ?? 'packer_cache';
    return path.resolve(cwd, cacheDir, name);
  }
}

/** The local path a `file://` URL or plain path names; undefined for other URLs. */
export function localPath(url: string, cwd: string = process.cwd()): string | undefined {
  if (/^file:\/\//i.test(url)) {
    const rest = url.slice('file://'.length);
    // file:///abs is a URL; file://./rel is Packer's way to write a relative path.
    return rest.startsWith('/') ? fileURLToPath(`file://${rest}`) : path.resolve(cwd, rest);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return undefined;
  return path.resolve(cwd, url);
}

/** The file name a checksum file lists a download under: the URL path's last element. */
export function fileNameOf(url: string): string {
  if (/^https?:\/\//i.test(url)) {
    const last = new URL(url).pathname.split('/').at(-1) ?? '';
    return decodeURIComponent(last);
  }
  return path.basename(localPath(url) ?? url);
}

/** The download step for Packer's ISO fields. */
export function stepDownload(config: Partial<IsoConfig>, options: StepDownloadOptions = {}): StepDownload {
  const single = config.iso_url ?? '';
  return new StepDownload(
    {
      urls: single !== '' ? [single, ...(config.iso_urls ?? [])] : (config.iso_urls ?? []),
      checksum: config.iso_checksum ?? '',
      targetPath: config.iso_target_path ?? '',
      extension: (config.iso_target_extension ?? 'iso').toLowerCase(),
    },
    options,
  );
}
