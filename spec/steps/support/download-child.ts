/**
 * A separate process running StepDownload, for the specs that race two processes for one
 * cache entry. argv: url checksum cacheDir. Every Ui line is printed as it happens; the last
 * line is `RESULT <json>`.
 */
import { keys } from '../../../engine/keys.js';
import { describeError } from '../../../errors/index.js';
import type { ProgressTracker, Ui } from '../../../packer/ui.js';
import { StepDownload } from '../../../steps/step-download.js';
import { createMockState, runStep } from '../../../testing/index.js';

const [url, checksum, cacheDir] = process.argv.slice(2) as [string, string, string];

const print = async (text: string): Promise<void> => {
  process.stdout.write(`UI ${text}\n`);
};
const ui: Ui = {
  say: print,
  message: print,
  error: print,
  ask: async () => '',
  machine: async () => undefined,
  trackProgress: async (): Promise<ProgressTracker> => ({
    add: () => undefined,
    close: async () => undefined,
  }),
};

const state = createMockState([[keys.ui, ui]]);
const run = await runStep(
  new StepDownload({ urls: [url], checksum, extension: 'iso' }, { cacheDir, lockPollMs: 50 }),
  {
    state,
  },
);
process.stdout.write(
  `RESULT ${JSON.stringify({ path: state.get(keys.isoPath), error: run.error === undefined ? undefined : describeError(run.error) })}\n`,
);
process.exitCode = run.error === undefined ? 0 : 1;
