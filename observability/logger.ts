import type { Writable } from 'node:stream';
import winston from 'winston';
import type { Logger, LogMeta } from '../engine/logger.js';
import { packerLogVerbose, type PluginLog } from '../rpc/plugin/log.js';
import { bindLogger, LOG_LEVELS } from './bound-logger.js';
import { formatLogLine } from './log-line.js';

/**
 * The plugin process's logger: winston, one instance per process, created by the plugin
 * session after the handshake (never at import time, so the handshake path does not pay for
 * loading winston). Every entry is one stderr line `[LEVEL] message key=value …`; stdout is
 * never touched, because it carries only the handshake line.
 */

/** Metadata rides in one field so a meta key can never clobber winston's `level`/`message`. */
const META = 'sdkMeta';

export interface PluginLoggerOptions {
  /** Reads PACKER_LOG (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Debug lines too, whatever PACKER_LOG says (the session passes what serve decided). */
  verbose?: boolean;
  /** Where lines go (default: process.stderr). */
  stream?: Writable;
}

/** The engine's Logger plus the rpc layer's log-function form of the same logger. */
export interface PluginLogger extends Logger {
  /** The lowest level written: 'info' normally, 'debug' when PACKER_LOG is set. */
  readonly level: 'info' | 'debug';
  /** The same sink as a PluginLog (yamux, broker and RPC logs); `trace` counts as debug. */
  readonly log: PluginLog;
}

/**
 * Creates the plugin's logger. Levels follow PACKER_LOG: unset, empty or "0" → info and
 * above; anything else → debug too — unless `verbose` says otherwise: under a real Packer,
 * which blanks PACKER_LOG for the plugins it starts and filters their stderr itself, the
 * session asks for debug. (PACKER_LOG_PATH is core's business: core writes the stderr lines
 * it relays there.)
 *
 * @example
 * const logger = createPluginLogger();
 * logger.child({ step: 'create-vm' }).info('created', { id: 'i-123' });
 * // stderr: [INFO] created step=create-vm id=i-123
 */
export function createPluginLogger(options: PluginLoggerOptions = {}): PluginLogger {
  const level: 'info' | 'debug' = (options.verbose ?? packerLogVerbose(options.env)) ? 'debug' : 'info';
  const winstonLogger = winston.createLogger({
    levels: LOG_LEVELS,
    level,
    format: winston.format.printf((info) =>
      formatLogLine(info.level, String(info.message), (info[META] as LogMeta | undefined) ?? {}),
    ),
    // Not the Console transport: it writes to stdout unless told otherwise level by level.
    transports: [new winston.transports.Stream({ stream: options.stream ?? process.stderr, eol: '\n' })],
    exitOnError: false,
  });
  return bindLogger(level, (at, message, meta) => winstonLogger.log({ level: at, message, [META]: meta }));
}
