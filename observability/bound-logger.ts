import type { Logger, LogMeta } from '../engine/logger.js';
import type { LogLevel } from '../rpc/plugin/log.js';
import type { PluginLogger } from './logger.js';

/** The levels a plugin log line can carry, most severe first (winston's numbering). */
export const LOG_LEVELS = { error: 0, warn: 1, info: 2, debug: 3 } as const;
export type LogLineLevel = keyof typeof LOG_LEVELS;

/** Where an entry that passed the level filter goes. */
export type LogSink = (level: LogLineLevel, message: string, meta: LogMeta) => void;

/**
 * The PluginLogger face over one sink: the engine's Logger with child metadata, and the rpc
 * layer's log function (`trace` counts as debug). Entries below `level` stop here, before any
 * allocation in the sink, so a filtered debug line is nearly free on hot paths.
 */
export function bindLogger(level: 'info' | 'debug', sink: LogSink): PluginLogger {
  const write = (at: LogLineLevel, message: string, meta: LogMeta): void => {
    if (LOG_LEVELS[at] > LOG_LEVELS[level]) return;
    sink(at, message, meta);
  };
  const make = (bound: LogMeta): Logger => {
    const at =
      (lvl: LogLineLevel) =>
      (message: string, meta?: LogMeta): void =>
        write(lvl, message, meta === undefined ? bound : { ...bound, ...meta });
    return {
      debug: at('debug'),
      info: at('info'),
      warn: at('warn'),
      error: at('error'),
      child: (meta) => make({ ...bound, ...meta }),
    };
  };
  return {
    ...make({}),
    level,
    log: (lvl: LogLevel, message, details) => write(lvl === 'trace' ? 'debug' : lvl, message, details ?? {}),
  };
}
