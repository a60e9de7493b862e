import type { ProgressTracker, Ui } from '../packer/ui.js';

export const MASK = '<sensitive>';

/** Replaces every occurrence of every secret in `text` (longest first, so overlaps mask fully). */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].filter((s) => s !== '').sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(MASK);
  }
  return out;
}

/**
 * A Ui that masks Packer's sensitive variables and the config's sensitive fields in
 * everything the plugin says (Packer itself masks only what core prints).
 */
export function maskingUi(ui: Ui, secrets: readonly string[]): Ui {
  if (secrets.every((s) => s === '')) return ui;
  const mask = (text: string): string => maskSecrets(text, secrets);
  return {
    say: (m) => ui.say(mask(m)),
    message: (m) => ui.message(mask(m)),
    error: (m) => ui.error(mask(m)),
    ask: (q) => ui.ask(mask(q)),
    machine: (category, ...args) => ui.machine(category, ...args.map(mask)),
    trackProgress: (src, total, current): Promise<ProgressTracker> =>
      ui.trackProgress(mask(src), total, current),
  };
}
