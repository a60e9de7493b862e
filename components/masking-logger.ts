import type { Logger, LogMeta } from '../engine/logger.js';
import { maskSecrets } from './masking-ui.js';

/** A logger that masks `secrets` in messages and in string metadata, like the masking Ui. */
export function maskingLogger(log: Logger, secrets: readonly string[]): Logger {
  if (secrets.every((s) => s === '')) return log;
  const mask = (text: string): string => maskSecrets(text, secrets);
  const maskMeta = (meta?: LogMeta): LogMeta | undefined =>
    meta &&
    Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, typeof v === 'string' ? mask(v) : v]));
  return {
    debug: (m, meta) => log.debug(mask(m), maskMeta(meta)),
    info: (m, meta) => log.info(mask(m), maskMeta(meta)),
    warn: (m, meta) => log.warn(mask(m), maskMeta(meta)),
    error: (m, meta) => log.error(mask(m), maskMeta(meta)),
    child: (meta) => maskingLogger(log.child(meta), secrets),
  };
}
