import { Type, type Static } from '@sinclair/typebox';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { packerCommonKey } from '../components/define-builder.js';
import { keys } from '../engine/keys.js';
import type { State } from '../engine/state.js';
import type { CleanupContext, Step, StepContext, StepResult } from '../engine/step.js';
import { describeError, SdkError } from '../errors/index.js';

/** Packer's `output_directory`. Empty means the builder's default, see {@link defaultOutputDirectory}. */
export const outputDirConfig = Type.Object({
  output_directory: Type.String({
    default: '',
    description:
      'Directory the build writes its artifacts to; must not exist or be empty, unless `packer build -force` is used. Empty: "output-" followed by the build name.',
  }),
});

export type OutputDirConfig = Static<typeof outputDirConfig>;

/** Packer's default output directory name: `output-<build name>`. */
export function defaultOutputDirectory(buildName: string | undefined, fallback = 'build'): string {
  return `output-${buildName && buildName !== '' ? buildName : fallback}`;
}

export interface StepOutputDirOptions {
  /** Step name; default "output-dir". */
  readonly name?: string;
  /** Overrides `packer_force` (default: the `force` of `packerCommonKey` in state). */
  readonly force?: boolean;
  /** Where a relative path starts (default: the working directory). */
  readonly cwd?: string;
}

/**
 * Creates the output directory (Packer's StepOutputDir) and puts its absolute path in
 * `keys.outputDir`.
 *
 * - An existing non-empty directory is refused unless the build runs with `-force`, which
 *   deletes it first; an existing empty one is used as it is.
 * - A write probe checks that the build can write there.
 * - Cleanup keeps it when the build succeeded. Otherwise (failed, halted, cancelled) it removes
 *   the directory if this step created it, or just empties it if it already existed empty.
 */
export class StepOutputDir implements Step {
  readonly name: string;
  readonly #dir: string;
  readonly #options: StepOutputDirOptions;
  #made: 'created' | 'reused' | undefined;

  constructor(
    config: Partial<OutputDirConfig> & { output_directory: string },
    options: StepOutputDirOptions = {},
  ) {
    if (config.output_directory === '') {
      throw new SdkError(
        'PKR_ERR_OPTION_INVALID',
        'output_directory is empty; pass defaultOutputDirectory(buildName)',
      );
    }
    this.#dir = path.resolve(options.cwd ?? process.cwd(), config.output_directory);
    this.#options = options;
    this.name = options.name ?? 'output-dir';
  }

  async run(state: State, _ctx: StepContext): Promise<StepResult> {
    const ui = state.require(keys.ui);
    const force = this.#options.force ?? state.get(packerCommonKey)?.force ?? false;
    const dir = this.#dir;
    const existing = await stat(dir).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw this.#error(`cannot inspect output directory ${dir}: ${describeError(err)}`, err);
    });
    let reused = false;
    if (existing) {
      if (!existing.isDirectory()) {
        if (!force) throw this.#error(`output directory ${dir} exists and is not a directory`);
        await ui.say('Deleting previous output directory...');
        await rm(dir, { force: true });
      } else if ((await this.#entries(dir)).length > 0) {
        if (!force) {
          throw new SdkError(
            'PKR_ERR_OUTPUT_DIR_EXISTS',
            `Output directory exists: ${dir}. Use the force flag (packer build -force) to delete it prior to building.`,
            { details: { path: dir } },
          );
        }
        await ui.say('Deleting previous output directory...');
        await rm(dir, { recursive: true, force: true });
      } else {
        reused = true;
      }
    }
    this.#made = reused ? 'reused' : 'created';
    try {
      await mkdir(dir, { recursive: true, mode: 0o755 });
      const probe = path.join(dir, '_packer_perm_check');
      await writeFile(probe, '');
      await rm(probe);
    } catch (err) {
      throw this.#error(`Couldn't write to output directory ${dir}: ${describeError(err)}`, err);
    }
    state.put(keys.outputDir, dir);
    return 'continue';
  }

  async cleanup(state: State, ctx: CleanupContext): Promise<void> {
    const made = this.#made;
    this.#made = undefined;
    if (!made || ctx.status === 'done') return;
    await state.get(keys.ui)?.say('Deleting output directory...');
    if (made === 'created') {
      await rm(this.#dir, { recursive: true, force: true, maxRetries: 4 });
      return;
    }
    const names = await readdir(this.#dir).catch(() => [] as string[]);
    for (const name of names)
      await rm(path.join(this.#dir, name), { recursive: true, force: true, maxRetries: 4 });
  }

  async #entries(dir: string): Promise<string[]> {
    try {
      return await readdir(dir);
    } catch (err) {
      throw this.#error(`cannot read output directory ${dir}: ${describeError(err)}`, err);
    }
  }

  #error(message: string, cause?: unknown): SdkError {
    return new SdkError('PKR_ERR_OUTPUT_DIR', message, { cause, details: { path: this.#dir } });
  }
}

/** The output-directory step for a builder's config. */
export function stepOutputDir(
  config: Partial<OutputDirConfig> & { output_directory: string },
  options: StepOutputDirOptions = {},
): StepOutputDir {
  return new StepOutputDir(config, options);
}
