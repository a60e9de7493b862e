import type { PackerCommon } from '../config/packer-common.js';
import { debugPause } from '../engine/debug-pause.js';
import { keys } from '../engine/keys.js';
import { onError, type AskAnswer } from '../engine/on-error.js';
import type { Step } from '../engine/step.js';
import { describeError } from '../errors/index.js';
import { HOOK_CLEANUP_PROVISION, type Hook } from '../packer/hook.js';
import type { Ui } from '../packer/ui.js';

/**
 * Packer's `-debug` and `-on-error` for a builder's steps, as the engine's wrappers:
 * `-debug` asks before each step; `-on-error` decides about cleanup after a failure.
 */
export function applyBuildPolicies(steps: readonly Step[], common: PackerCommon, ui: Ui, hook: Hook): Step[] {
  let wrapped: Step[] = [...steps];
  const mode = common.onError === '' ? 'cleanup' : common.onError;
  if (mode === 'abort') wrapped = onError(wrapped, { mode: 'abort' });
  else if (mode === 'ask')
    wrapped = onError(wrapped, { mode: 'ask', ask: ({ step, error }) => askOnError(ui, step, error) });
  else if (mode === 'run-cleanup-provisioner') {
    wrapped = onError(wrapped, {
      mode: 'run-cleanup-provisioner',
      cleanupProvisioner: async (state) => {
        const communicator = state.get(keys.communicator);
        await hook.run(HOOK_CLEANUP_PROVISION, ui, communicator, state.get(keys.generatedData) ?? {});
      },
    });
  }
  if (common.debug) {
    wrapped = debugPause(wrapped, async ({ step }) => {
      await ui.ask(`Pausing before the next step: ${step}. Press enter to continue.`);
    });
  }
  return wrapped;
}

async function askOnError(ui: Ui, step: string, error: unknown): Promise<AskAnswer> {
  await ui.error(`Step "${step}" failed: ${describeError(error)}`);
  for (;;) {
    const answer = (
      await ui.ask(
        '[c] Clean up and exit, [a] abort without cleanup, or [r] retry step (build may fail even if retry succeeds)?',
      )
    )
      .trim()
      .toLowerCase();
    if (answer.startsWith('c')) return 'cleanup';
    if (answer.startsWith('a')) return 'abort';
    if (answer.startsWith('r')) return 'retry';
    await ui.say(`Incorrect input: ${JSON.stringify(answer)}`);
  }
}
