import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { keys } from '../../engine/keys.js';
import { isSdkError, type SdkError } from '../../errors/index.js';
import {
  fileNameOf,
  localPath,
  StepDownload,
  stepDownload,
  validateIsoConfig,
} from '../../steps/step-download.js';
import { createMockState, MockUi, runStep, type UiRecord } from '../../testing/index.js';
import { spawnTs } from './support/child.js';
import { FileServer } from './support/file-server.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('steps/step-download', function () {
  this.timeout(30_000);
  const payload = randomBytes(300_000);
  const checksum = `sha256:${sha256(payload)}`;
  let server: FileServer;
  let work: string;
  let cache: string;
  let ui: MockUi;

  const download = async (
    urls: string[],
    sum = checksum,
    options: { signal?: AbortSignal; resumeAttempts?: number } = {},
  ) => {
    const state = createMockState([[keys.ui, ui]]);
    const step = new StepDownload(
      { urls, checksum: sum, extension: 'iso' },
      {
        cacheDir: cache,
        cwd: work,
        ...(options.resumeAttempts === undefined ? {} : { resumeAttempts: options.resumeAttempts }),
      },
    );
    return runStep(step, { state, ...(options.signal ? { signal: options.signal } : {}) });
  };

  const cacheFiles = async () => (await readdir(cache).catch(() => [] as string[])).sort();

  beforeEach(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'pkr-dl-'));
    cache = path.join(work, 'packer_cache');
    ui = new MockUi();
    server = await new FileServer().listen();
  });

  afterEach(async () => {
    await server.close();
    await rm(work, { recursive: true, force: true });
  });

  it('downloads into the cache under the checksum, with progress, and reuses it next time', async () => {
    server.serve('/debian.iso', { body: payload });
    const run = await download([server.url('/debian.iso')]);
    expect(run.error).to.equal(undefined);
    const local = run.state.require(keys.isoPath);
    const name = createHash('sha1').update(checksum).digest('hex');
    expect(local).to.equal(path.join(cache, `${name}.iso`));
    expect(sha256(await readFile(local))).to.equal(sha256(payload));
    expect(await cacheFiles()).to.deep.equal([`${name}.iso`]);
    const progress = ui.records.find(
      (r): r is Extract<UiRecord, { kind: 'progress' }> => r.kind === 'progress',
    );
    expect(progress).to.deep.include({ totalSize: payload.length, done: payload.length, closed: true });
    expect(ui.lines).to.include(`${server.url('/debian.iso')} => ${local}`);

    const again = await download([server.url('/debian.iso')]);
    expect(again.state.get(keys.isoPath)).to.equal(local);
    expect(server.gets('/debian.iso')).to.equal(1);
  });

  it('resumes with a Range request after the server drops the connection', async () => {
    server.serve('/drop.iso', { body: payload, dieAfter: { bytes: 100_000, times: 1 } });
    const run = await download([server.url('/drop.iso')]);
    expect(run.error).to.equal(undefined);
    expect(sha256(await readFile(run.state.require(keys.isoPath)))).to.equal(sha256(payload));
    const gets = server.requests.filter((r) => r.path === '/drop.iso');
    expect(gets).to.have.length(2);
    expect(gets[1]!.range).to.match(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(gets[1]!.range!)![0])).to.be.greaterThan(0);
    expect(gets[1]!.ifRange).to.equal('"v1"');
    expect(ui.lines.some((l) => l.startsWith('Download of ') && l.includes('resuming at byte'))).to.equal(
      true,
    );
    expect(await cacheFiles()).to.have.length(1);
  });

  it('keeps a resumable part when the server dies, and the next build resumes it', async () => {
    server.serve('/dies.iso', { body: payload, dieAfter: { bytes: 120_000, times: 1, thenStop: true } });
    const port = server.port;
    // The first transfer drops and the server is gone before the resume.
    const first = await download([server.url('/dies.iso')], checksum, { resumeAttempts: 1 });
    expect(isSdkError(first.error, 'PKR_ERR_DOWNLOAD_FAILED'), String(first.error)).to.equal(true);
    expect((first.error as Error).message).to.contain('ECONNREFUSED');
    const parts = (await cacheFiles()).filter((f) => f.endsWith('.part'));
    expect(parts, `${String(first.error)}\n${ui.lines.join('\n')}`).to.have.length(1);
    const partSize = (await stat(path.join(cache, parts[0]!))).size;
    expect(partSize).to.be.within(1, payload.length - 1);

    server = await new FileServer().serve('/dies.iso', { body: payload }).listen(port);
    const second = await download([server.url('/dies.iso')]);
    expect(second.error).to.equal(undefined);
    expect(server.requests[0]!.range).to.equal(`bytes=${partSize}-`);
    expect(sha256(await readFile(second.state.require(keys.isoPath)))).to.equal(sha256(payload));
    expect((await cacheFiles()).filter((f) => f.includes('.part'))).to.deep.equal([]);
  });

  it('removes the partial file when the server cannot resume, and tries the next URL', async () => {
    server.serve('/noranges.iso', { body: payload, ranges: false, dieAfter: { bytes: 50_000, times: 5 } });
    server.serve('/good.iso', { body: payload });
    const run = await download([server.url('/noranges.iso'), server.url('/good.iso')]);
    expect(run.error).to.equal(undefined);
    expect(server.gets('/noranges.iso')).to.equal(1);
    expect(run.state.get(keys.isoPath)).to.be.a('string');
    expect((await cacheFiles()).filter((f) => f.includes('.part'))).to.deep.equal([]);
  });

  it('falls back past a 404 and a redirect, and reports every URL when all fail', async () => {
    server.serve('/ok.iso', { body: payload });
    const run = await download([server.url('/missing.iso'), server.url('/redirect/ok.iso')]);
    expect(run.error).to.equal(undefined);
    expect(run.state.get(keys.isoPath)).to.be.a('string');

    // Another checksum: the first one is in the cache now, and a cache hit needs no URL at all.
    const other = `sha256:${sha256(Buffer.from('other'))}`;
    const fail = await download([server.url('/a.iso'), 's3://bucket/b.iso', path.join(work, 'c.iso')], other);
    expect(isSdkError(fail.error, 'PKR_ERR_DOWNLOAD_FAILED'), String(fail.error)).to.equal(true);
    const message = (fail.error as Error).message;
    expect(message).to.contain('/a.iso').and.to.contain('404');
    expect(message).to.contain('s3://bucket/b.iso').and.to.contain('only http, https and file');
    expect(message).to.contain('c.iso does not exist');
  });

  it('rejects a checksum mismatch with both values and removes the bad download', async () => {
    server.serve('/bad.iso', { body: payload });
    const wrong = `sha256:${'0'.repeat(64)}`;
    const run = await download([server.url('/bad.iso')], wrong);
    expect(isSdkError(run.error, 'PKR_ERR_CHECKSUM_MISMATCH')).to.equal(true);
    const err = run.error as SdkError;
    expect(err.message).to.contain('0'.repeat(64)).and.to.contain(sha256(payload));
    expect(err.details).to.deep.include({ expected: '0'.repeat(64), actual: sha256(payload) });
    expect(await cacheFiles()).to.deep.equal([]);
    expect(ui.lines.some((l) => l.startsWith('Checksum did not match, removing'))).to.equal(true);
  });

  it('uses local paths and file:// URLs in place, and never deletes them on a mismatch', async () => {
    const iso = path.join(work, 'local.iso');
    await writeFile(iso, payload);
    for (const url of ['local.iso', iso, pathToFileURL(iso).href, 'file://./local.iso']) {
      const run = await download([url]);
      expect(run.error, url).to.equal(undefined);
      expect(run.state.get(keys.isoPath), url).to.equal(iso);
    }
    const bad = await download([iso], `md5:${'f'.repeat(32)}`);
    expect(isSdkError(bad.error, 'PKR_ERR_CHECKSUM_MISMATCH')).to.equal(true);
    expect((await stat(iso)).size).to.equal(payload.length);
    expect(await cacheFiles()).to.deep.equal([]);
  });

  it('reads checksum files in GNU and BSD formats, over HTTP and from disk', async () => {
    server.serve('/dist/debian-12.iso', { body: payload });
    server.serve('/dist/SHA256SUMS', {
      body: Buffer.from(`${sha256(Buffer.from('other'))}  other.iso\n${sha256(payload)} *debian-12.iso\n`),
    });
    const gnu = await download([server.url('/dist/debian-12.iso')], `file:${server.url('/dist/SHA256SUMS')}`);
    expect(gnu.error).to.equal(undefined);

    await writeFile(path.join(work, 'MD5SUMS'), `MD5 (debian-12.iso) = ${md5(payload)}\n`);
    const bsd = await download([server.url('/dist/debian-12.iso')], 'file:./MD5SUMS');
    expect(bsd.error).to.equal(undefined);
    expect(server.gets('/dist/debian-12.iso')).to.equal(2); // a different checksum is a different cache entry

    const missing = await download(
      [server.url('/dist/debian-12.iso')],
      `file:${server.url('/dist/SHA256SUMS')}`.replace('SHA256SUMS', 'nope'),
    );
    expect(isSdkError(missing.error, 'PKR_ERR_DOWNLOAD_FAILED')).to.equal(true);
    await writeFile(path.join(work, 'SUMS'), `${sha256(payload)}  ubuntu.iso\n`);
    const unlisted = await download([server.url('/dist/debian-12.iso')], 'file:SUMS');
    expect(isSdkError(unlisted.error, 'PKR_ERR_CHECKSUM_NOT_FOUND')).to.equal(true);
    expect((unlisted.error as Error).message)
      .to.contain('"debian-12.iso"')
      .and.to.contain('ubuntu.iso');
  });

  it('takes "none" without checking and caches under the URL', async () => {
    server.serve('/any.img', { body: payload });
    const run = await download([server.url('/any.img')], 'none');
    expect(run.error).to.equal(undefined);
    const name = createHash('sha1').update(server.url('/any.img')).digest('hex');
    expect(run.state.get(keys.isoPath)).to.equal(path.join(cache, `${name}.iso`));
  });

  it('stops promptly when cancelled mid-download and releases the lock', async () => {
    let release!: () => void;
    server.serve('/slow.iso', { body: payload, hold: new Promise((r) => (release = r)) });
    const controller = new AbortController();
    void ui.waitFor((r) => r.kind === 'progress').then(() => controller.abort());
    const run = await download([server.url('/slow.iso')], checksum, { signal: controller.signal });
    release();
    expect(isSdkError(run.error, 'PKR_ERR_CANCELLED')).to.equal(true);
    expect((await cacheFiles()).filter((f) => f.endsWith('.lock'))).to.deep.equal([]);
  });

  it('makes one download for two processes racing for the same cache entry', async () => {
    let release!: () => void;
    server.serve('/shared.iso', { body: payload, hold: new Promise((r) => (release = r)) });
    const url = server.url('/shared.iso');
    const first = spawnTs('download-child.ts', [url, checksum, cache]);
    await server.requestsReach(1); // the first holds the lock and is receiving
    const second = spawnTs('download-child.ts', [url, checksum, cache]);
    await second.waitForLine((l) => l.startsWith('UI Waiting for another process that is downloading'));
    release();
    const [a, b] = await Promise.all([first.exited, second.exited]);
    expect([a, b], [...first.lines, ...second.lines].join('\n')).to.deep.equal([0, 0]);
    const result = (lines: string[]) =>
      JSON.parse(lines.find((l) => l.startsWith('RESULT '))!.slice(7)) as { path: string; error?: string };
    expect(result(first.lines).path).to.equal(result(second.lines).path);
    expect(server.gets('/shared.iso')).to.equal(1);
    expect(await cacheFiles()).to.deep.equal([path.basename(result(first.lines).path)]);
  });

  describe('config', () => {
    it('builds the URL list from iso_url and iso_urls, and lower-cases the extension', async () => {
      await writeFile(path.join(work, 'x.ISO'), payload);
      const run = await runStep(
        stepDownload(
          { iso_url: 'x.ISO', iso_checksum: checksum, iso_target_extension: 'ISO' },
          { cwd: work, cacheDir: cache },
        ),
        { state: createMockState([[keys.ui, ui]]) },
      );
      expect(run.state.get(keys.isoPath)).to.equal(path.join(work, 'x.ISO'));
    });

    it('validates like Packer', () => {
      expect(validateIsoConfig({ iso_url: 'a', iso_urls: ['b'], iso_checksum: 'none' })).to.deep.equal({
        problems: [{ path: 'iso_urls', message: 'only one of iso_url or iso_urls may be specified' }],
        warnings: [
          "A checksum of 'none' was specified. Since ISO files are so big, a checksum is highly recommended.",
        ],
      });
      const { problems } = validateIsoConfig({ iso_checksum: 'sha256:abc' });
      expect(problems.map((p) => p.path)).to.deep.equal(['iso_url', 'iso_checksum']);
      expect(problems[1]!.message).to.contain('64 hex digits');
    });

    it('maps URLs to local paths and file names', () => {
      expect(localPath('file:///tmp/a%20b.iso')).to.equal('/tmp/a b.iso');
      expect(localPath('file://./x.iso', '/w')).to.equal('/w/x.iso');
      expect(localPath('x.iso', '/w')).to.equal('/w/x.iso');
      expect(localPath('https://h/x.iso')).to.equal(undefined);
      expect(fileNameOf('https://h/dir/debian%2012.iso?x=1')).to.equal('debian 12.iso');
      expect(fileNameOf('/a/b/c.iso')).to.equal('c.iso');
    });
  });
});
