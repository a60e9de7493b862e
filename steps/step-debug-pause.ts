import { abortReason } from '../engine/clock.js';
import type { PauseFn, PauseRequest } from '../engine/debug-pause.js';
import type { Ui } from '../packer/ui.js';

export interface PauseForDebugOptions {
  /**
   * Also pause before the first step ("Pausing before step 'x'"). Default false: Packer's
   * `-debug` pauses after each step's run, so there is nothing to pause after yet.
   */
  readonly beforeFirst?: boolean;
}

/**
 * Packer's `-debug` prompt for `debugPause` (engine/debug-pause.ts): before each step it asks
 * "Pausing after run of step 'previous'. Press enter to continue." on the Ui, the prompt
 * Packer prints after every step, and resolves on the answer. Cancelling the build while it
 * waits rejects at once (core never answers a prompt of a cancelled build).
 *
 * @example
 * const steps = common.debug ? debugPause(mySteps, pauseForDebug(ui)) : mySteps;
 */
export function pauseForDebug(ui: Ui, options: PauseForDebugOptions = {}): PauseFn {
  let previous: string | undefined;
  return async (request: PauseRequest) => {
    const name = request.path.join('/');
    const before = previous;
    previous = name;
    if (before === undefined && !options.beforeFirst) return;
    const text =
      before === undefined
        ? `Pausing before step '${name}'. Press enter to continue.`
        : `Pausing after run of step '${before}'. Press enter to continue.`;
    await askOrCancel(ui, text, request.signal);
  };
}

/** `ui.ask`, but rejecting with the cancel reason as soon as `signal` fires. */
export async function askOrCancel(ui: Ui, text: string, signal: AbortSignal): Promise<string> {
  if (signal.aborted) throw abortReason(signal);
  let onAbort: (() => void) | undefined;
  const cancelled = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([ui.ask(text), cancelled]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}
