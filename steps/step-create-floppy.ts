import { Type, type Static } from '@sinclair/typebox';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { abortReason } from '../engine/clock.js';
import { keys } from '../engine/keys.js';
import type { State } from '../engine/state.js';
import type { CleanupContext, Step, StepContext, StepResult } from '../engine/step.js';
import { SdkError } from '../errors/index.js';
import { createFat12Image, FLOPPY_CLUSTERS, type FatDir } from './fat12-image.js';
import { collectMedia, readMediaFile, type MediaDir } from './media-sources.js';

/** Packer's FloppyConfig fields. Spread `floppyConfig.properties` into a builder's schema. */
export const floppyConfig = Type.Object({
  floppy_files: Type.Array(Type.String(), {
    default: [],
    description:
      'Files to put in the root of a 1.44 MB floppy attached at boot (e.g. Autounattend.xml). Globs (*, ?, [..]) are allowed; a directory adds every file below it, all in the root.',
  }),
  floppy_dirs: Type.Array(Type.String(), {
    default: [],
    description:
      'Directories to put on the floppy with their structure (e.g. drivers). Globs are allowed; a plain file lands in the root.',
  }),
  floppy_content: Type.Record(Type.String(), Type.String(), {
    default: {},
    description:
      'Paths on the floppy mapped to their text, e.g. { "meta-data" = jsonencode(...) }; wins over a file at the same path.',
  }),
  floppy_label: Type.String({
    default: 'packer',
    maxLength: 11,
    description: 'Volume label of the floppy (at most 11 characters; "cidata" for cloud-init).',
  }),
});

export type FloppyConfig = Static<typeof floppyConfig>;

export interface StepCreateFloppyOptions {
  /** Step name; default "create-floppy". */
  readonly name?: string;
  /**
   * Keep the image after a successful build (it is part of the artifact). Default false: the
   * image is deleted in cleanup whatever the outcome, as in Packer.
   */
  readonly keep?: boolean;
  /** Where to write the image; default a fresh private temp directory. */
  readonly path?: string;
  /** Where relative paths start (default: the working directory). */
  readonly cwd?: string;
  /** Time stamps for the label and content files (default: now). */
  readonly now?: () => Date;
  /** Volume serial number (default: derived from the time). */
  readonly volumeId?: number;
}

/**
 * Writes a FAT12 1.44 MB floppy image with `floppy_files`, `floppy_dirs` and `floppy_content`
 * (long file names included) and puts its path in `keys.floppyPath`. Nothing listed: no
 * image, no state. Cleanup deletes the image unless the build succeeded and `keep` is set.
 */
export class StepCreateFloppy implements Step {
  readonly name: string;
  readonly #config: Partial<FloppyConfig>;
  readonly #options: StepCreateFloppyOptions;
  #image: string | undefined;
  #tempDir: string | undefined;

  constructor(config: Partial<FloppyConfig>, options: StepCreateFloppyOptions = {}) {
    this.#config = config;
    this.#options = options;
    this.name = options.name ?? 'create-floppy';
  }

  async run(state: State, ctx: StepContext): Promise<StepResult> {
    const files = this.#config.floppy_files ?? [];
    const dirs = this.#config.floppy_dirs ?? [];
    const content = this.#config.floppy_content ?? {};
    if (files.length === 0 && dirs.length === 0 && Object.keys(content).length === 0) return 'continue';
    const ui = state.require(keys.ui);
    await ui.say('Creating floppy disk...');
    const notes: string[] = [];
    const collected = await collectMedia(
      { flat: files, tree: dirs, content },
      {
        caseInsensitive: true,
        ...(this.#options.cwd ? { cwd: this.#options.cwd } : {}),
        onNote: (line) => notes.push(line),
      },
    );
    for (const line of notes) await ui.message(line);
    // A quick refusal before reading megabytes: each file takes whole 512-byte clusters.
    const capacity = FLOPPY_CLUSTERS * 512;
    if (collected.totalBytes > capacity) {
      throw new SdkError(
        'PKR_ERR_FLOPPY_FULL',
        `the floppy files add up to ${collected.totalBytes} bytes; a 1.44 MB floppy holds ${capacity}`,
        { details: { bytes: collected.totalBytes, capacity } },
      );
    }
    const tree = await loadTree(collected.root, ctx.signal);
    const now = this.#options.now?.() ?? new Date();
    const label =
      this.#config.floppy_label === undefined || this.#config.floppy_label === ''
        ? 'packer'
        : this.#config.floppy_label;
    const image = createFat12Image(tree, {
      label,
      now,
      ...(this.#options.volumeId === undefined ? {} : { volumeId: this.#options.volumeId }),
    });
    let target = this.#options.path;
    if (target === undefined) {
      this.#tempDir = await mkdtemp(path.join(os.tmpdir(), 'pkr-floppy-'));
      target = path.join(this.#tempDir, 'floppy.img');
    }
    this.#image = target;
    await writeFile(target, image, { signal: ctx.signal });
    await ui.message(`Floppy image: ${target} (${collected.added.length} files)`);
    state.put(keys.floppyPath, target);
    return 'continue';
  }

  async cleanup(state: State, ctx: CleanupContext): Promise<void> {
    const image = this.#image;
    const dir = this.#tempDir;
    this.#image = undefined;
    this.#tempDir = undefined;
    if (image === undefined) return;
    if (ctx.status === 'done' && this.#options.keep) return;
    await rm(image, { force: true });
    if (dir) await rm(dir, { recursive: true, force: true });
    if (state.get(keys.floppyPath) === image) state.delete(keys.floppyPath);
  }
}

/** Reads every file of the tree into memory (at most a floppy's worth). */
async function loadTree(dir: MediaDir, signal: AbortSignal): Promise<FatDir> {
  const files = [];
  for (const file of dir.files) {
    if (signal.aborted) throw abortReason(signal);
    files.push({
      name: file.name,
      data: await readMediaFile(file),
      ...(file.mtime ? { mtime: file.mtime } : {}),
    });
  }
  const dirs = [];
  for (const sub of dir.dirs) dirs.push(await loadTree(sub, signal));
  return { name: dir.name, ...(dir.mtime ? { mtime: dir.mtime } : {}), dirs, files };
}

/** The floppy step for a builder's config. */
export function stepCreateFloppy(
  config: Partial<FloppyConfig>,
  options: StepCreateFloppyOptions = {},
): StepCreateFloppy {
  return new StepCreateFloppy(config, options);
}
