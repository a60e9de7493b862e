/**
 * The logging the engine and components need, as an interface: a plugin process injects its
 * real logger (stderr, levels per PACKER_LOG, secrets masked); tests and library use get a
 * silent one. Nothing here reads the environment or writes anywhere by itself.
 */
export type LogMeta = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, meta?: LogMeta): void;
  info(message: string, meta?: LogMeta): void;
  warn(message: string, meta?: LogMeta): void;
  error(message: string, meta?: LogMeta): void;
  /** A logger that adds `meta` to every entry (e.g. `{ step: 'provision/connect' }`). */
  child(meta: LogMeta): Logger;
}

const noop = (): void => undefined;

/** Discards everything. */
export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};
