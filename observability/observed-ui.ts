import type { ProgressTracker, Ui } from '../packer/ui.js';
import type { ProgressMessage, UiLineMessage } from './control-messages.js';

export interface UiTap {
  line(line: UiLineMessage): void;
  progress(progress: ProgressMessage): void;
}

/**
 * A Ui that tells `tap` everything the build says before passing it on (the Ui it wraps is
 * already the masking one, so secrets never reach the tap). Progress is reported when the
 * whole percentage changes and at the end, not for every chunk of bytes.
 */
export function observedUi(ui: Ui, tap: UiTap): Ui {
  const tell = (kind: string, text: string): void => tap.line({ kind, text });
  return {
    say: (m) => {
      tell('say', m);
      return ui.say(m);
    },
    message: (m) => {
      tell('message', m);
      return ui.message(m);
    },
    error: (m) => {
      tell('error', m);
      return ui.error(m);
    },
    ask: (q) => {
      tell('ask', q);
      return ui.ask(q);
    },
    machine: (category, ...args) => {
      tell('machine', [category, ...args].join(','));
      return ui.machine(category, ...args);
    },
    trackProgress: async (src, total, current = 0): Promise<ProgressTracker> => {
      const inner = await ui.trackProgress(src, total, current);
      let done = current;
      let lastPercent = percent(done, total);
      tap.progress({ src, total, current: done, done: false });
      let closed = false;
      return {
        add(bytes: number): void {
          done += bytes;
          const now = percent(done, total);
          if (now !== lastPercent) {
            lastPercent = now;
            tap.progress({ src, total, current: done, done: false });
          }
          inner.add(bytes);
        },
        async close(): Promise<void> {
          if (!closed) {
            closed = true;
            tap.progress({ src, total, current: done, done: true });
          }
          await inner.close();
        },
      };
    },
  };
}

function percent(current: number, total: number): number {
  return total > 0 ? Math.floor((current * 100) / total) : 0;
}
