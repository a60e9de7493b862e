import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPlugin } from '../cli/build.js';
import type { BuiltPlugin } from '../cli/built-plugin.js';
import { NODE_ENV } from '../cli/launcher.js';
import { SdkError } from '../errors/index.js';
import { accSkipReason, packerSkipReason } from './gate.js';
import { installPlugin, type InstallLayout } from './install.js';
import { runPacker, type PackerRun } from './run-packer.js';

/** The part of a mocha hook context the kit uses (a `Mocha.Context` fits). */
export interface HookContext {
  skip(): void;
  timeout(ms: number): unknown;
}

/** The part of a mocha suite the kit uses: pass `this` inside `describe(…, function () {…})`. */
export interface SuiteLike {
  beforeAll(fn: (this: HookContext) => Promise<void>): unknown;
  afterAll(fn: (this: HookContext) => Promise<void>): unknown;
}

export interface AcceptanceOptions {
  /** The plugin's entry (a path, or `new URL('../main.ts', import.meta.url)`). */
  readonly entry: string | URL;
  /** Default `multi`. */
  readonly layout?: InstallLayout;
  /** Build a single executable instead of a launcher. */
  readonly sea?: boolean;
  readonly name?: string;
  /** The packer binary. Default `packer` on PATH. */
  readonly packer?: string;
  /** Extra environment for every packer run. */
  readonly env?: Readonly<Record<string, string>>;
  /** Per packer run. Default 10 minutes. */
  readonly timeoutMs?: number;
  /** Require PACKER_ACC (default true). Suites that are opt-in some other way may pass false. */
  readonly gate?: boolean;
  /** Keep the work directories of failed cases for inspection (default true). */
  readonly keepOnFailure?: boolean;
}

/** One case, as the Go SDK's `acctest.PluginTestCase`. */
export interface PluginTestCase {
  /** Names the work directory. */
  readonly name: string;
  /** HCL2, or JSON (detected as the Go SDK does: text that parses as JSON). */
  readonly template: string;
  /** Extra files for the work directory, by relative path. */
  readonly files?: Readonly<Record<string, string>>;
  readonly setup?: (workDir: string) => void | Promise<void>;
  /** Checks the run; without it the case fails unless packer exits 0. */
  readonly check?: (run: PackerRun & { readonly workDir: string }) => void | Promise<void>;
  /** Runs whatever happened, like the Go SDK's Teardown. */
  readonly teardown?: (workDir: string) => void | Promise<void>;
  /** Extra `packer build` arguments (e.g. `-var`, `-only`), before the template. */
  readonly buildArgs?: readonly string[];
}

export interface RunOptions {
  /** Names the work directory (default: the packer command). */
  readonly name?: string;
  readonly args?: readonly string[];
  readonly files?: Readonly<Record<string, string>>;
}

export interface AcceptanceSuite {
  /** The built plugin (after the suite's before hook). */
  readonly plugin: BuiltPlugin;
  /** PACKER_PLUGIN_PATH the plugin is installed in. */
  readonly pluginPath: string;
  /** `packer build -machine-readable [args] TEMPLATE` in a fresh work directory. */
  build(template: string, options?: RunOptions): Promise<PackerRun & { readonly workDir: string }>;
  /** `packer validate -machine-readable [args] TEMPLATE` in a fresh work directory (problems arrive as `ui` errors). */
  validate(template: string, options?: RunOptions): Promise<PackerRun & { readonly workDir: string }>;
  /** Any packer command, with this suite's plugin directory, in `cwd`. */
  packer(args: readonly string[], cwd: string): Promise<PackerRun>;
  /** Runs one case the way the Go SDK's `acctest.TestPlugin` does. */
  test(testCase: PluginTestCase): Promise<PackerRun & { readonly workDir: string }>;
}

/**
 * Acceptance tests for a plugin under real Packer, for mocha. Call it in a `describe` body; its
 * before hook skips the whole suite (printing why) unless PACKER_ACC is set and packer can run,
 * then builds the plugin with the packaging CLI and installs it into a temporary
 * PACKER_PLUGIN_PATH; its after hook removes everything, except the work directories of
 * failed cases, whose paths the failures name.
 *
 * @example
 * describe('acme-vm builder', function () {
 *   this.timeout(600_000);
 *   const acc = acceptance(this, { entry: new URL('../main.ts', import.meta.url) });
 *   it('builds', () => acc.test({ name: 'basic', template: 'source "acme-vm" "x" {}\nbuild { sources = ["source.acme-vm.x"] }' }));
 * });
 */
export function acceptance(suite: SuiteLike, options: AcceptanceOptions): AcceptanceSuite {
  let root: string | undefined;
  let plugin: BuiltPlugin | undefined;
  let pluginPath: string | undefined;
  let keep = false;
  let cases = 0;

  suite.beforeAll(async function (this: HookContext) {
    const reason =
      ((options.gate ?? true) ? accSkipReason() : undefined) ?? packerSkipReason(options.packer ?? 'packer');
    if (reason !== undefined) {
      console.log(`      skipped: ${reason}`);
      this.skip();
      return;
    }
    this.timeout(options.sea ? 300_000 : 120_000);
    root = mkdtempSync(join(tmpdir(), 'packer-acc-'));
    const entry = typeof options.entry === 'string' ? options.entry : fileURLToPath(options.entry);
    plugin = await buildPlugin({
      entry,
      out: join(root, 'build'),
      sea: options.sea ?? false,
      ...(options.name !== undefined ? { name: options.name } : {}),
      warn: (m) => console.log(`      warning: ${m}`),
    });
    const env = { ...process.env, [NODE_ENV]: process.execPath, ...options.env };
    const layout = options.layout ?? 'multi';
    pluginPath = (await installPlugin(plugin, { layout, dir: join(root, 'plugins'), env })).pluginPath;
  });

  suite.afterAll(async function () {
    if (root === undefined) return;
    if (keep && (options.keepOnFailure ?? true)) console.log(`      kept for inspection: ${root}`);
    else rmSync(root, { recursive: true, force: true });
  });

  const ready = (): { root: string; pluginPath: string } => {
    if (root === undefined || pluginPath === undefined) {
      throw new SdkError(
        'PKR_ERR_ACC_PACKER',
        'the acceptance suite is not set up: call acceptance() in a describe body and use it inside its tests',
      );
    }
    return { root, pluginPath };
  };

  const workDir = (
    name: string,
    template: string | undefined,
    files: Readonly<Record<string, string>> = {},
  ): { dir: string; templateFile: string | undefined } => {
    const dir = join(
      ready().root,
      'cases',
      `${String(++cases).padStart(3, '0')}-${name.replace(/[^A-Za-z0-9._-]+/g, '-')}`,
    );
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    if (template === undefined) return { dir, templateFile: undefined };
    const templateFile = isJson(template) ? 'template.json' : 'template.pkr.hcl';
    writeFileSync(join(dir, templateFile), template);
    return { dir, templateFile };
  };

  const run = async (dir: string, args: readonly string[]): Promise<PackerRun & { workDir: string }> => {
    const result = await runPacker(args, {
      cwd: dir,
      pluginPath: ready().pluginPath,
      logFile: join(dir, 'packer.log'),
      ...(options.packer !== undefined ? { packer: options.packer } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    return { ...result, workDir: dir };
  };

  return {
    get plugin() {
      if (!plugin) ready();
      return plugin!;
    },
    get pluginPath() {
      return ready().pluginPath;
    },
    async build(template, runOptions = {}) {
      const { dir, templateFile } = workDir(runOptions.name ?? 'build', template, runOptions.files);
      return run(dir, ['build', '-machine-readable', ...(runOptions.args ?? []), templateFile!]);
    },
    async validate(template, runOptions = {}) {
      const { dir, templateFile } = workDir(runOptions.name ?? 'validate', template, runOptions.files);
      return run(dir, ['validate', '-machine-readable', ...(runOptions.args ?? []), templateFile!]);
    },
    async packer(args, cwd) {
      return runPacker(args, {
        cwd,
        pluginPath: ready().pluginPath,
        ...(options.packer !== undefined ? { packer: options.packer } : {}),
        ...(options.env !== undefined ? { env: options.env } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      });
    },
    async test(testCase) {
      const { dir, templateFile } = workDir(testCase.name, testCase.template, testCase.files);
      let result: (PackerRun & { workDir: string }) | undefined;
      try {
        await testCase.setup?.(dir);
        result = await run(dir, ['build', '-machine-readable', ...(testCase.buildArgs ?? []), templateFile!]);
        if (testCase.check) await testCase.check(result);
        else if (result.exitCode !== 0) {
          throw new SdkError(
            'PKR_ERR_ACC_CHECK',
            `packer build exited with ${result.exitCode}:\n${failureSummary(result)}`,
            {
              details: { exitCode: result.exitCode },
            },
          );
        }
      } catch (err) {
        keep = true;
        const where =
          (options.keepOnFailure ?? true)
            ? 'work directory kept'
            : 'work directory (removed after the suite)';
        throw annotate(err, `${where}: ${dir} (template ${templateFile}, packer.log)`);
      } finally {
        await testCase.teardown?.(dir);
      }
      return result;
    },
  };
}

/** The failed builds and Ui errors, decoded, else whatever packer printed. */
function failureSummary(run: PackerRun): string {
  const lines = [
    ...run.errors.map((e) => `  ${e.target}: ${e.message}`),
    ...(run.errors.length === 0
      ? run.ui.filter((u) => u.kind === 'error').map((u) => `  ${u.text.trim()}`)
      : []),
  ];
  return lines.length > 0 ? lines.join('\n') : `${run.output}`;
}

/** Adds where to look to a failure, keeping the error itself (and mocha's diff of it). */
function annotate(err: unknown, note: string): unknown {
  if (err instanceof Error) {
    err.message = `${err.message}\n${note}`;
    return err;
  }
  return new SdkError('PKR_ERR_ACC_CHECK', `${String(err)}\n${note}`, { cause: err });
}

function isJson(template: string): boolean {
  try {
    JSON.parse(template);
    return true;
  } catch {
    return false;
  }
}
