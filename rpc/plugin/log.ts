import type { Logger } from '../../engine/logger.js';

/**
 * The plugin process's log sink before the full logger loads. Everything goes to stderr:
 * stdout carries only the handshake line (core discards the rest, protocol §1.6), and core
 * relays stderr lines into its own log as `<plugin> plugin: <line>`.
 */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface PluginLog {
  (level: LogLevel, message: string, details?: Readonly<Record<string, unknown>>): void;
}

const RANK: Readonly<Record<LogLevel, number>> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

/** Writes `[LEVEL] message` lines to stderr, dropping levels below `minLevel`. */
export function stderrLog(
  write: (line: string) => void = (line) => process.stderr.write(line),
  minLevel: LogLevel = 'trace',
): PluginLog {
  return (level, message, details) => {
    if (RANK[level] < RANK[minLevel]) return;
    const suffix = details && Object.keys(details).length > 0 ? ` ${JSON.stringify(details, jsonSafe)}` : '';
    write(`[${level.toUpperCase()}] ${message}${suffix}\n`);
  };
}

/**
 * Packer's own rule for PACKER_LOG: set and neither empty nor "0" means debug output.
 * (PACKER_LOG_PATH is core's: core writes the stderr lines it relays there.)
 */
export function packerLogVerbose(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.PACKER_LOG;
  return value !== undefined && value !== '' && value !== '0';
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return value.message;
  return value;
}

/** The engine's Logger interface over a plugin log sink; `child` metadata rides along. */
export function loggerFromPluginLog(log: PluginLog, meta: Readonly<Record<string, unknown>> = {}): Logger {
  const at =
    (level: LogLevel) =>
    (message: string, details?: Readonly<Record<string, unknown>>): void =>
      log(level, message, { ...meta, ...details });
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => loggerFromPluginLog(log, { ...meta, ...more }),
  };
}
