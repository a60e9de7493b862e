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

export function stderrLog(write: (line: string) => void = (line) => process.stderr.write(line)): PluginLog {
  return (level, message, details) => {
    const suffix = details && Object.keys(details).length > 0 ? ` ${JSON.stringify(details, jsonSafe)}` : '';
    write(`[${level.toUpperCase()}] ${message}${suffix}\n`);
  };
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
