import { describeError } from '../errors/index.js';
import { formatBreakpointList } from './breakpoints.js';
import { CONTROL_ENV, parseControlAddress } from './control-address.js';
import { connectBuildControl, type BuildControlClient } from './control-client.js';
import type { BuildEventMessage } from './control-messages.js';
import { waitForPath } from './wait-for-path.js';
import { WatchKeys, type WatchActions } from './watch-keys.js';
import { initialWatchModel, KEY_HELP, reduceWatch, renderWatch, type WatchModel } from './watch-view.js';

/** The terminal the watch command runs in; specs pass fakes. */
export interface WatchIo {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Makes the client (default: a gRPC client for the address). */
  readonly connect?: (address: string) => Pick<BuildControlClient, 'watch' | 'close'> & WatchActions;
}

const USAGE = `usage: packer-plugin-sdk watch [ADDRESS] [--plain]

Watches a build served with PACKER_SDK_CONTROL: the steps with their status, the Ui output
below, and keys to steer it: ${KEY_HELP}.
ADDRESS is the PACKER_SDK_CONTROL value (a socket path or tcp:HOST:PORT; default: the
variable). --plain prints one line per event instead of redrawing (the default when stdout
is not a terminal). PACKER_SDK_CONTROL_TOKEN is sent when set.
`;

/**
 * `packer-plugin-sdk watch [ADDRESS]`: a small terminal client of the build-control
 * service. Waits for the socket to appear (so it may be started before the build), renders
 * the live step list and Ui lines, and reads keys. Returns the exit code: 0 when the build
 * ended or the user quit, 1 when the service could not be reached, 2 for bad arguments.
 */
export async function runWatchCommand(argv: readonly string[], io: Partial<WatchIo> = {}): Promise<number> {
  const stdin = io.stdin ?? process.stdin;
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;

  if (argv.includes('-h') || argv.includes('--help')) {
    stdout.write(USAGE);
    return 0;
  }
  const positional = argv.filter((a) => !a.startsWith('--'));
  const unknown = argv.filter((a) => a.startsWith('--') && a !== '--plain');
  const address = positional[0] ?? env[CONTROL_ENV];
  if (unknown.length > 0 || positional.length > 1 || !address) {
    stderr.write(`${unknown.length > 0 ? `unknown option ${unknown[0]}\n` : ''}${USAGE}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseControlAddress(address);
  } catch (err) {
    stderr.write(`${describeError(err)}\n`);
    return 2;
  }
  const plain = argv.includes('--plain') || !stdout.isTTY;

  const quit = new AbortController();
  const keys = new WatchKeys({
    actions: {
      setBreakpoints: (b) => client().setBreakpoints(b),
      resume: () => client().resume(),
      stepOver: () => client().stepOver(),
      cancel: (reason) => client().cancel(reason),
    },
    breakpoints: () => model.breakpoints,
    onFooter: (text) => {
      footer = text;
      if (plain) {
        if (text !== undefined) stdout.write(`${text}\n`);
      } else draw();
    },
    onQuit: () => quit.abort(),
  });
  let connected: ReturnType<NonNullable<WatchIo['connect']>> | undefined;
  const client = (): ReturnType<NonNullable<WatchIo['connect']>> => {
    if (!connected) throw new Error('not connected yet');
    return connected;
  };

  let model: WatchModel = initialWatchModel();
  let footer: string | undefined;
  let scheduled = false;
  const draw = (): void => {
    if (plain || scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const text = renderWatch(model, {
        width: stdout.columns ?? 100,
        height: stdout.rows ?? 30,
        color: true,
        footer: footer ?? KEY_HELP,
      });
      stdout.write(`\x1b[H\x1b[2J${text}`);
    });
  };

  const onData = (chunk: Buffer | string): void => void keys.feed(chunk.toString());
  const raw = stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  if (raw) stdin.setRawMode?.(true);
  stdin.on('data', onData);
  stdin.resume();
  if (!plain) stdout.write('\x1b[?1049h\x1b[?25l');

  try {
    if (parsed.kind === 'unix') {
      if (plain) stdout.write(`waiting for ${parsed.path}\n`);
      else draw();
      await waitForPath(parsed.path, quit.signal);
    }
    connected = (
      io.connect ?? ((a: string) => connectBuildControl(a, { token: env.PACKER_SDK_CONTROL_TOKEN ?? '' }))
    )(address);
    const watch = connected.watch((event) => {
      model = reduceWatch(model, event);
      if (plain) {
        const line = describeEvent(event);
        if (line !== undefined) stdout.write(`${line}\n`);
      } else draw();
    });
    const onQuit = (): void => watch.cancel();
    quit.signal.addEventListener('abort', onQuit, { once: true });
    await watch.done;
    quit.signal.removeEventListener('abort', onQuit);
    return 0;
  } catch (err) {
    if (quit.signal.aborted) return 0;
    stderr.write(`watch: ${describeError(err)}\n`);
    return 1;
  } finally {
    stdin.off('data', onData);
    stdin.pause();
    if (raw) stdin.setRawMode?.(false);
    connected?.close();
    if (!plain) {
      stdout.write('\x1b[?25h\x1b[?1049l');
      // Leave the final screen in the terminal's scrollback.
      stdout.write(
        `${renderWatch(model, { width: stdout.columns ?? 100, height: stdout.rows ?? 30, color: false, footer: '' })}\n`,
      );
    }
  }
}

/** One line per event for --plain (undefined for events not worth a line). */
export function describeEvent(event: BuildEventMessage): string | undefined {
  switch (event.event) {
    case 'graph':
      return `graph ${event.graph.name}: ${event.graph.steps.join(', ')}`;
    case 'ui':
      return `ui ${event.ui.kind}: ${event.ui.text}`;
    case 'progress':
      return event.progress.done ? `progress ${event.progress.src}: done` : undefined;
    case 'control': {
      const { control } = event;
      const bps = formatBreakpointList(control.breakpoints) || 'none';
      return `control breakpoints=${bps}${control.paused ? ` paused=${control.pausedAt.join('/')} (${control.pausedReason})` : ''}`;
    }
    case 'engine': {
      const e = event.engine;
      const detail = [e.result, e.reason, e.status, e.error].filter((d) => d !== '').join(' ');
      return `${e.type} ${e.path.join('/') || '-'}${detail === '' ? '' : ` ${detail}`}`;
    }
  }
}
