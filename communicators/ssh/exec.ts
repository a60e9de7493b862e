import type { Client, ClientChannel, ExecOptions, PseudoTtyOptions, TerminalModes } from 'ssh2';
import { abortReason } from '../../engine/clock.js';
import { SdkError } from '../../errors/index.js';
import { EXIT_STATUS_DISCONNECTED, type RemoteCommand, type StartedCommand } from '../communicator.js';
import { onAbort } from '../shared/abort.js';
import { signalExitStatus } from '../shared/exit-status.js';
import { forward } from '../shared/stream-copy.js';

export interface ExecSettings {
  pty: boolean;
  /** Ask the server to forward our agent into this session. */
  agentForward: boolean;
  signal?: AbortSignal;
}

// Packer's pty request: xterm, 40x80, no echo, 14400 baud. ssh2 encodes the speed modes;
// its type declarations just do not list them.
const PTY: PseudoTtyOptions = {
  term: 'xterm',
  rows: 40,
  cols: 80,
  modes: { ECHO: 0, TTY_OP_ISPEED: 14400, TTY_OP_OSPEED: 14400 } satisfies Record<
    string,
    number
  > as TerminalModes,
};

/** What the server reported about a command's end (filled in as it arrives). */
export interface ExitRecord {
  status?: number;
  signal?: string;
}

/** An exec channel and the exit record ssh2 fills in for it. */
export interface ExecChannel {
  channel: ClientChannel;
  exit: ExitRecord;
}

/**
 * Opens an exec channel; rejects with ssh2's error (the caller decides whether to retry).
 * The exit listener is attached inside ssh2's callback: a command that ends at once sends
 * exit-status in the same read as the exec confirmation, before any awaiting code runs.
 */
export function openExec(client: Client, command: string, settings: ExecSettings): Promise<ExecChannel> {
  // `agentForward` is a documented ssh2 exec option missing from its type declarations.
  const options: ExecOptions & { agentForward?: boolean } = {};
  if (settings.pty) options.pty = PTY;
  if (settings.agentForward) options.agentForward = true;
  return new Promise((resolve, reject) => {
    try {
      client.exec(command, options, (err, channel) => {
        if (err) {
          reject(err);
          return;
        }
        const exit: ExitRecord = {};
        channel.on('exit', (code: number | null, signalName?: string) => {
          if (typeof code === 'number') exit.status = code;
          else if (typeof signalName === 'string') exit.signal = signalName;
        });
        resolve({ channel, exit });
      });
    } catch (err) {
      // ssh2 throws synchronously when the socket is already gone.
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

/** True for ssh2's "the server refused agent forwarding" failure. */
export function isAgentForwardRefusal(err: unknown): boolean {
  return err instanceof Error && /agent forwarding/i.test(err.message);
}

/**
 * Wires a running exec channel to the RemoteCommand's streams. `exited` resolves after both
 * output streams ended, with the exit status; 128 + N for `exit-signal` (as Go's SSH library
 * and a shell report it); EXIT_STATUS_DISCONNECTED when the channel closed without either
 * (the connection dropped). Cancelling sends TERM, closes the channel and rejects `exited`
 * with the cancellation error at once.
 */
export function runOnChannel(
  { channel, exit }: ExecChannel,
  cmd: RemoteCommand,
  signal?: AbortSignal,
): StartedCommand {
  if (cmd.stdin) {
    cmd.stdin.pipe(channel);
    cmd.stdin.once('error', () => channel.end());
  } else {
    // Like Go's session with no Stdin: the command sees end-of-file at once.
    channel.end();
  }
  // A write after the peer closed is not the command's failure; the exit status says it.
  channel.on('error', () => undefined);
  const delivered = Promise.all([forward(channel, cmd.stdout), forward(channel.stderr, cmd.stderr)]);
  let settle: { resolve(status: number): void; reject(err: Error): void } | undefined;
  const exited = new Promise<number>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Cancelling answers at once: the command gets TERM and its channel is closed.
  const stopListening = onAbort(signal, () => {
    try {
      channel.signal('TERM');
    } catch {
      // The channel may already be closing.
    }
    channel.close();
    settle?.reject(abortReason(signal));
  });
  channel.once('close', () => {
    stopListening();
    if (cmd.stdin) cmd.stdin.unpipe(channel);
    void delivered.then(() => {
      if (exit.status !== undefined) settle?.resolve(exit.status);
      else if (exit.signal !== undefined) settle?.resolve(signalExitStatus(exit.signal));
      else settle?.resolve(EXIT_STATUS_DISCONNECTED);
    });
  });
  exited.catch(() => undefined);
  return { exited };
}

/** The coded error for an exec request the server refused. */
export function commandRefused(command: string, err: unknown): SdkError {
  return new SdkError(
    'PKR_ERR_COMM_COMMAND',
    `the server refused to start ${JSON.stringify(command.length > 80 ? `${command.slice(0, 77)}...` : command)}: ${(err as Error).message}`,
    { cause: err, details: { command } },
  );
}
