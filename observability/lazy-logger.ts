import type { LogMeta } from '../engine/logger.js';
import { packerLogVerbose } from '../rpc/plugin/log.js';
import { bindLogger, type LogLineLevel } from './bound-logger.js';
import { formatLogLine } from './log-line.js';
import type { PluginLogger, PluginLoggerOptions } from './logger.js';

interface Entry {
  readonly level: LogLineLevel;
  readonly message: string;
  readonly meta: LogMeta;
}

/** The plugin logger as the session uses it, plus what specs need to see its loading. */
export interface LazyPluginLogger extends PluginLogger {
  /** Settles once winston has loaded and taken every entry so far (at once if nothing was logged). */
  settled(): Promise<void>;
  /** True once an entry has made it load winston. */
  loadStarted(): boolean;
  /** Writes entries still waiting for winston, synchronously (the process is exiting). */
  flushSync(): void;
}

/**
 * The session's logger: the same lines, levels and sink as `createPluginLogger`, but winston
 * is only loaded when the first entry at an enabled level arrives — most builds log nothing
 * at info (and Packer discards debug unless asked), so most plugin processes never pay for
 * loading it. Entries logged while it loads are kept in order and handed over; if the process
 * exits first, they are written directly in the same format.
 */
export function createLazyLogger(options: PluginLoggerOptions = {}): LazyPluginLogger {
  const verbose = options.verbose ?? packerLogVerbose(options.env);
  const level: 'info' | 'debug' = verbose ? 'debug' : 'info';
  const stream = options.stream ?? process.stderr;
  let real: PluginLogger | undefined;
  let loading: Promise<void> | undefined;
  const pending: Entry[] = [];

  const flushSync = (): void => {
    for (const e of pending.splice(0)) stream.write(`${formatLogLine(e.level, e.message, e.meta)}\n`);
  };
  const load = (): Promise<void> =>
    (loading ??= import('./logger.js').then(
      (m) => {
        real = m.createPluginLogger({ verbose, stream });
        process.off('exit', flushSync);
        for (const e of pending.splice(0)) real[e.level](e.message, e.meta);
      },
      () => {
        // winston could not load (a broken bundle): keep the lines anyway.
        process.off('exit', flushSync);
        flushSync();
      },
    ));

  const sink = (at: LogLineLevel, message: string, meta: LogMeta): void => {
    if (real) {
      real[at](message, meta);
      return;
    }
    if (pending.length === 0 && !loading) process.once('exit', flushSync);
    pending.push({ level: at, message, meta });
    void load();
  };
  return {
    ...bindLogger(level, sink),
    settled: () => loading ?? Promise.resolve(),
    loadStarted: () => loading !== undefined,
    flushSync,
  };
}
