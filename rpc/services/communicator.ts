import type { Duplex, Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import {
  EXIT_STATUS_DISCONNECTED,
  type Communicator,
  type CommunicatorCallOptions,
  type FileInfo,
  type RemoteCommand,
  type StartedCommand,
} from '../../communicators/communicator.js';
import { forward } from '../../communicators/shared/stream-copy.js';
import { abortReason } from '../../engine/clock.js';
import { describeError, SdkError } from '../../errors/index.js';
import { decodeCommandFinished, encodeCommandFinished } from '../gob/index.js';
import {
  asArray,
  asInt,
  asString,
  asStruct,
  asTime,
  asUint32,
  isNil,
  type RpcClient,
  type RpcServer,
} from '../netrpc/index.js';
import { announceStream, type ServiceContext } from './context.js';

/** What the Go client reports when the exit-status stream breaks (protocol §4.1). */
export const EXIT_STATUS_BROKEN_RESPONSE = 123;

/**
 * Serves a communicator as the `Communicator` service (protocol §4.1): what a builder does
 * while core's provisioners run through its `Hook.Run`. Output streams are ended here once
 * the command or transfer is over (communicators leave their destinations open, like Go's
 * io.Copy), and each command's exit status goes back as a gob `CommandFinished`.
 */
export function registerCommunicatorServer(
  server: RpcServer,
  communicator: Communicator | undefined,
  ctx: ServiceContext,
): void {
  const comm = communicator ?? missingCommunicator;
  const dial = (id: number): Promise<Duplex | undefined> =>
    id === 0 ? Promise.resolve(undefined) : ctx.broker.dial(id);

  server.register('Communicator', {
    Start: async (args) => {
      const a = asStruct(args, 'Communicator.Start');
      const command = asString(a.Command, 'Command');
      // Core waits in Accept for every id it sent; dial them all before replying.
      const [stdin, stdout, stderr, response] = await Promise.all([
        dial(asUint32(a.StdinStreamId, 'StdinStreamId')),
        dial(asUint32(a.StdoutStreamId, 'StdoutStreamId')),
        dial(asUint32(a.StderrStreamId, 'StderrStreamId')),
        dial(asUint32(a.ResponseStreamId, 'ResponseStreamId')),
      ]);
      const outputs = [stdout, stderr].filter((s): s is Duplex => s !== undefined);
      let started: StartedCommand;
      try {
        started = await comm.start({
          command,
          ...(stdin ? { stdin } : {}),
          ...(stdout ? { stdout } : {}),
          ...(stderr ? { stderr } : {}),
        });
      } catch (err) {
        for (const s of [stdin, response, ...outputs]) s?.destroy();
        throw err;
      }
      // Reply at once; the command's end is reported on the response stream.
      void started.exited
        .catch((err: unknown) => {
          ctx.log('warn', `remote command failed without an exit status: ${describeError(err)}`, { command });
          return EXIT_STATUS_DISCONNECTED;
        })
        .then(async (status) => {
          for (const s of outputs) s.end();
          if (response) {
            response.end(Buffer.from(encodeCommandFinished(status)));
            await finished(response).catch(() => undefined);
          }
          stdin?.destroy();
        });
      return null;
    },
    Upload: async (args) => {
      const a = asStruct(args, 'Communicator.Upload');
      const source = await dial(asUint32(a.ReaderStreamId, 'ReaderStreamId'));
      if (!source) throw new SdkError('PKR_ERR_RPC_VALUE', 'Communicator.Upload without a reader stream');
      await comm.upload(asString(a.Path, 'Path'), source, readFileInfo(a.FileInfo));
      return null;
    },
    UploadDir: async (args) => {
      const a = asStruct(args, 'Communicator.UploadDir');
      await comm.uploadDir(
        asString(a.Dst, 'Dst'),
        asString(a.Src, 'Src'),
        asArray(a.Exclude, 'Exclude', asString),
      );
      return null;
    },
    Download: async (args) => {
      const a = asStruct(args, 'Communicator.Download');
      const sink = await dial(asUint32(a.WriterStreamId, 'WriterStreamId'));
      if (!sink) throw new SdkError('PKR_ERR_RPC_VALUE', 'Communicator.Download without a writer stream');
      try {
        await comm.download(asString(a.Path, 'Path'), sink);
        sink.end();
      } catch (err) {
        sink.destroy();
        throw err;
      }
      return null;
    },
    DownloadDir: async (args) => {
      const a = asStruct(args, 'Communicator.DownloadDir');
      await comm.downloadDir(
        asString(a.Src, 'Src'),
        asString(a.Dst, 'Dst'),
        asArray(a.Exclude, 'Exclude', asString),
      );
      return null;
    },
  });
}

function readFileInfo(value: unknown): FileInfo | undefined {
  if (isNil(value)) return undefined;
  const f = asStruct(value, 'FileInfo');
  const modTime = asTime(f.T, 'FileInfo.T');
  return {
    name: asString(f.N, 'FileInfo.N'),
    size: asInt(f.S, 'FileInfo.S'),
    mode: asInt(f.M, 'FileInfo.M'),
    ...(modTime ? { modTime } : {}),
  };
}

const missingCommunicator: Communicator = {
  start: () => Promise.reject(noCommunicator()),
  upload: () => Promise.reject(noCommunicator()),
  uploadDir: () => Promise.reject(noCommunicator()),
  download: () => Promise.reject(noCommunicator()),
  downloadDir: () => Promise.reject(noCommunicator()),
};

function noCommunicator(): SdkError {
  return new SdkError(
    'PKR_ERR_COMM_NONE',
    'this build has no communicator (communicator = "none"), so provisioners cannot run',
  );
}

/**
 * Core's communicator as a provisioner sees it (protocol §4.2): each stream is announced
 * (accepted) before the call that names it, because core dials them before it replies.
 */
export class CommunicatorClient implements Communicator {
  constructor(
    private readonly client: RpcClient,
    private readonly ctx: ServiceContext,
  ) {}

  async start(cmd: RemoteCommand, options: CommunicatorCallOptions = {}): Promise<StartedCommand> {
    const announce = (wanted: boolean): { id: number; stream: Promise<Duplex> } | undefined =>
      wanted ? announceStream(this.ctx) : undefined;
    const stdin = announce(cmd.stdin !== undefined);
    const stdout = announce(cmd.stdout !== undefined);
    const stderr = announce(cmd.stderr !== undefined);
    const response = announceStream(this.ctx);
    const announced = [stdin, stdout, stderr, response].filter((x) => x !== undefined);
    // If core never dials (the call failed), the accepts time out: nobody waits on them.
    for (const a of announced) a.stream.catch(() => undefined);

    await this.client.call(
      'Communicator.Start',
      {
        Command: cmd.command,
        StdinStreamId: stdin?.id ?? 0,
        StdoutStreamId: stdout?.id ?? 0,
        StderrStreamId: stderr?.id ?? 0,
        ResponseStreamId: response.id,
      },
      options.signal ? { signal: options.signal } : {},
    );
    const [inStream, outStream, errStream, responseStream] = await Promise.all([
      stdin?.stream,
      stdout?.stream,
      stderr?.stream,
      response.stream,
    ]);
    if (inStream && cmd.stdin) cmd.stdin.pipe(inStream);
    // Like the communicators themselves: output streams end when the command's output ended.
    const copies = [outStream, errStream].map((s, i) =>
      s ? forward(s, i === 0 ? cmd.stdout : cmd.stderr) : Promise.resolve(),
    );
    const status = readAll(responseStream).then(
      (bytes) => {
        try {
          return decodeCommandFinished(bytes);
        } catch {
          return EXIT_STATUS_BROKEN_RESPONSE;
        }
      },
      () => EXIT_STATUS_BROKEN_RESPONSE,
    );
    const onAbort = (): void => {
      for (const s of [inStream, outStream, errStream, responseStream]) s?.destroy();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    // Go's client waits for the status *and* the end of stdout/stderr.
    const exited = Promise.all([status, ...copies]).then(([code]) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (options.signal?.aborted) throw abortReason(options.signal);
      return code;
    });
    exited.catch(() => undefined);
    return { exited };
  }

  async upload(
    dst: string,
    src: Readable,
    fileInfo?: FileInfo,
    options: CommunicatorCallOptions = {},
  ): Promise<void> {
    const { id, stream } = announceStream(this.ctx);
    stream.catch(() => undefined);
    // FileInfo.T is left out: no time encoding satisfies both the 2015 and the 1.2.x decoders (§3.3).
    const info = fileInfo ? { N: fileInfo.name, S: fileInfo.size, M: fileInfo.mode } : null;
    const call = this.client.call(
      'Communicator.Upload',
      { Path: dst, ReaderStreamId: id, FileInfo: info },
      options.signal ? { signal: options.signal } : {},
    );
    const sending = stream.then(async (s) => {
      src.pipe(s);
      await finished(s, { readable: false });
    });
    // Either failing ends the upload at once (a refused call means core never dials).
    await Promise.all([call, sending]);
  }

  async uploadDir(
    dst: string,
    src: string,
    exclude: readonly string[] = [],
    options: CommunicatorCallOptions = {},
  ): Promise<void> {
    await this.client.call(
      'Communicator.UploadDir',
      { Dst: dst, Src: src, Exclude: [...exclude] },
      options.signal ? { signal: options.signal } : {},
    );
  }

  async download(src: string, dst: Writable, options: CommunicatorCallOptions = {}): Promise<void> {
    const { id, stream } = announceStream(this.ctx);
    stream.catch(() => undefined);
    const call = this.client.call(
      'Communicator.Download',
      { Path: src, WriterStreamId: id },
      options.signal ? { signal: options.signal } : {},
    );
    const receiving = stream.then((s) => receiveInto(s, dst));
    await Promise.all([call, receiving]);
  }

  async downloadDir(
    src: string,
    dst: string,
    exclude: readonly string[] = [],
    options: CommunicatorCallOptions = {},
  ): Promise<void> {
    await this.client.call(
      'Communicator.DownloadDir',
      { Dst: dst, Src: src, Exclude: [...exclude] },
      options.signal ? { signal: options.signal } : {},
    );
  }
}

/**
 * Copies a downloaded file's stream into the caller's writable without ending it; resolves at
 * EOF and, unlike command output, fails when the stream breaks (a truncated file is an error).
 */
function receiveInto(source: Duplex, target: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    source.on('data', (chunk: Buffer) => {
      if (!target.write(chunk)) {
        source.pause();
        target.once('drain', () => source.resume());
      }
    });
    source.once('end', () => resolve());
    source.once('error', reject);
    source.once('close', () => resolve());
  });
}

function readAll(source: Duplex): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    source.on('data', (c: Buffer) => chunks.push(c));
    source.once('end', () => resolve(Buffer.concat(chunks)));
    source.once('error', reject);
  });
}
