import { Type, type Static } from '@sinclair/typebox';
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { abortReason } from '../engine/clock.js';
import { keys } from '../engine/keys.js';
import type { State } from '../engine/state.js';
import type { CleanupContext, Step, StepContext, StepResult } from '../engine/step.js';
import { SdkError } from '../errors/index.js';
import { collectMedia, type MediaDir } from './media-sources.js';

/** Packer's CDConfig fields. Spread `cdConfig.properties` into a builder's schema. */
export const cdConfig = Type.Object({
  cd_files: Type.Array(Type.String(), {
    default: [],
    description:
      'Files and directories to put on an ISO attached at boot. Files land in the root; a directory lands with its structure ("dir/*" puts its contents in the root). Globs are allowed; symbolic links are copied as their targets. Needs xorriso (or mkisofs/genisoimage).',
  }),
  cd_content: Type.Record(Type.String(), Type.String(), {
    default: {},
    description:
      'Paths on the CD mapped to their text, e.g. { "user-data" = "..." }; wins over a file at the same path.',
  }),
  cd_label: Type.String({
    default: 'packer',
    maxLength: 32,
    description: 'Volume label of the CD (at most 32 characters; "cidata" for cloud-init).',
  }),
});

export type CdConfig = Static<typeof cdConfig>;

export interface StepCreateCdOptions {
  /** Step name; default "create-cd". */
  readonly name?: string;
  /** Keep the ISO after a successful build (it is part of the artifact). Default false. */
  readonly keep?: boolean;
  /** Where to write the ISO; default a fresh private temp directory. */
  readonly path?: string;
  /** Where relative paths start (default: the working directory). */
  readonly cwd?: string;
  /** The program to run; default the first of xorriso, mkisofs, genisoimage found on the search path. */
  readonly command?: string;
  /** The search path for the program (default PATH). */
  readonly searchPath?: string;
}

/** The ISO makers tried, in Packer's order (the macOS and Windows ones excepted). */
const MAKERS: readonly { name: string; args: (label: string, source: string, dest: string) => string[] }[] = [
  {
    name: 'xorriso',
    args: (label, source, dest) => [
      '-as',
      'genisoimage',
      '-rock',
      '-joliet',
      '-volid',
      label,
      '-output',
      dest,
      source,
    ],
  },
  {
    name: 'mkisofs',
    args: (label, source, dest) => ['-rock', '-joliet', '-volid', label, '-o', dest, source],
  },
  {
    name: 'genisoimage',
    args: (label, source, dest) => ['-rock', '-joliet', '-volid', label, '-o', dest, source],
  },
];

/**
 * Makes an ISO from `cd_files` and `cd_content` with xorriso (Rock Ridge and Joliet names,
 * `cd_label` as the volume id) and puts its path in `keys.cdPath`. Nothing listed: no ISO.
 * Cleanup deletes it unless the build succeeded and `keep` is set. Without xorriso (or
 * mkisofs/genisoimage) the step fails with `PKR_ERR_TOOL_MISSING` naming the package.
 */
export class StepCreateCd implements Step {
  readonly name: string;
  readonly #config: Partial<CdConfig>;
  readonly #options: StepCreateCdOptions;
  #iso: string | undefined;
  #tempDir: string | undefined;

  constructor(config: Partial<CdConfig>, options: StepCreateCdOptions = {}) {
    this.#config = config;
    this.#options = options;
    this.name = options.name ?? 'create-cd';
  }

  async run(state: State, ctx: StepContext): Promise<StepResult> {
    const files = this.#config.cd_files ?? [];
    const content = this.#config.cd_content ?? {};
    if (files.length === 0 && Object.keys(content).length === 0) return 'continue';
    const ui = state.require(keys.ui);
    await ui.say('Creating CD disk...');
    const label =
      this.#config.cd_label === undefined || this.#config.cd_label === '' ? 'packer' : this.#config.cd_label;
    const maker = await this.#maker();
    const notes: string[] = [];
    const collected = await collectMedia(
      { tree: files, content },
      {
        ...(this.#options.cwd ? { cwd: this.#options.cwd } : {}),
        fieldNames: { tree: 'cd_files' },
        onNote: (line) => notes.push(line),
      },
    );
    for (const line of notes) await ui.message(line);

    this.#tempDir = await mkdtemp(path.join(os.tmpdir(), 'pkr-cd-'));
    const staging = path.join(this.#tempDir, 'root');
    await stage(collected.root, staging, ctx.signal);
    const iso = this.#options.path ?? path.join(this.#tempDir, 'cd.iso');
    this.#iso = iso;
    await run(maker.path, maker.args(label, staging, iso), ctx.signal);
    await rm(staging, { recursive: true, force: true });
    await ui.message(`CD image: ${iso} (${collected.added.length} files)`);
    state.put(keys.cdPath, iso);
    return 'continue';
  }

  async cleanup(state: State, ctx: CleanupContext): Promise<void> {
    const iso = this.#iso;
    const dir = this.#tempDir;
    this.#iso = undefined;
    this.#tempDir = undefined;
    const keep = ctx.status === 'done' && this.#options.keep === true;
    if (iso !== undefined && !keep) {
      await rm(iso, { force: true });
      if (state.get(keys.cdPath) === iso) state.delete(keys.cdPath);
    }
    if (dir !== undefined) {
      // The ISO may live in the temp directory: keep that one file when it is kept.
      if (keep && iso !== undefined && path.dirname(iso) === dir)
        await rm(path.join(dir, 'root'), { recursive: true, force: true });
      else await rm(dir, { recursive: true, force: true });
    }
  }

  async #maker(): Promise<{ path: string; args: (label: string, source: string, dest: string) => string[] }> {
    const searchPath = this.#options.searchPath ?? process.env.PATH ?? '';
    const wanted = this.#options.command;
    if (wanted !== undefined) {
      const found = path.isAbsolute(wanted)
        ? (await isExecutable(wanted))
          ? wanted
          : undefined
        : await findExecutable(wanted, searchPath);
      // xorriso's own syntax for xorriso; the genisoimage syntax for anything else.
      const style = MAKERS.find((m) => m.name === path.basename(wanted)) ?? MAKERS[1]!;
      if (found) return { path: found, args: style.args };
    } else {
      for (const maker of MAKERS) {
        const found = await findExecutable(maker.name, searchPath);
        if (found) return { path: found, args: maker.args };
      }
    }
    throw new SdkError(
      'PKR_ERR_TOOL_MISSING',
      `cd_files needs ${wanted ?? 'xorriso (or mkisofs/genisoimage)'} to make the ISO, and it is not installed; install the Debian package xorriso`,
      { details: { tool: wanted ?? 'xorriso', package: 'xorriso' } },
    );
  }
}

/** The first executable file called `name` in the directories of `searchPath`. */
export async function findExecutable(name: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(file: string): Promise<boolean> {
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** Copies the collected tree into `dir` (symbolic links become their targets' contents). */
async function stage(tree: MediaDir, dir: string, signal: AbortSignal): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const file of tree.files) {
    if (signal.aborted) throw abortReason(signal);
    const dest = path.join(dir, file.name);
    if ('data' in file.source) await writeFile(dest, file.source.data);
    else await copyFile(file.source.path, dest);
  }
  for (const sub of tree.dirs) await stage(sub, path.join(dir, sub.name), signal);
}

/** Runs the ISO maker, killing it on cancellation; a failure carries the end of its output. */
function run(command: string, args: string[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReason(signal));
      return;
    }
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const onAbort = (): void => {
      child.kill('SIGTERM');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      reject(
        new SdkError('PKR_ERR_CD_CREATE', `${command} could not be started: ${err.message}`, { cause: err }),
      );
    });
    child.once('close', (code, sig) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) reject(abortReason(signal));
      else if (code === 0) resolve();
      else {
        reject(
          new SdkError(
            'PKR_ERR_CD_CREATE',
            `${path.basename(command)} failed (${code === null ? `signal ${sig}` : `exit ${code}`}):\n${output.trim()}`,
            {
              details: { command, code, output },
            },
          ),
        );
      }
    });
  });
}

/** The CD step for a builder's config. */
export function stepCreateCd(config: Partial<CdConfig>, options: StepCreateCdOptions = {}): StepCreateCd {
  return new StepCreateCd(config, options);
}
