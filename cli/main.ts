import { isAbsolute, relative } from 'node:path';
import { describeError, isSdkError, SdkError } from '../errors/index.js';
import { commandHelp, parseCommandArgs, type CommandSpec, type ParsedCommand } from './args.js';
import { buildCommand, buildPlugin } from './build.js';
import { docsCommand, writeDocs } from './docs.js';
import { initCommand, initPlugin } from './init.js';
import { installLegacy, installLegacyCommand } from './install-legacy.js';
import { releaseCommand, releasePlugin } from './release.js';

/** Where the CLI writes; specs pass their own. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly cwd: string;
}

interface Command {
  readonly spec: CommandSpec;
  run(args: ParsedCommand, io: CliIo): Promise<void>;
}

/** Paths under the working directory print relative, others absolute. */
const shown = (io: CliIo, path: string): string => {
  const rel = relative(io.cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
};

const commands: readonly Command[] = [
  {
    spec: buildCommand,
    async run({ positionals, strings, booleans }, io) {
      if (booleans.sea && booleans.sourcemap) throw usage('build: --sourcemap cannot be combined with --sea');
      const built = await buildPlugin({
        entry: positionals.entry!,
        ...(strings.out !== undefined ? { out: strings.out } : {}),
        ...(strings.name !== undefined ? { name: strings.name } : {}),
        sea: booleans.sea ?? false,
        minify: booleans.minify ?? false,
        sourcemap: booleans.sourcemap ?? false,
        warn: (m) => io.err(`warning: ${m}\n`),
      });
      io.out(`${shown(io, built.path)}\n`);
    },
  },
  {
    spec: releaseCommand,
    async run({ positionals, strings, booleans }, io) {
      if (strings.version === undefined) throw usage('release: --version is required');
      const result = await releasePlugin({
        plugin: positionals.plugin!,
        version: strings.version,
        ...(strings.os !== undefined ? { os: strings.os } : {}),
        ...(strings.arch !== undefined ? { arch: strings.arch } : {}),
        ...(strings.out !== undefined ? { out: strings.out } : {}),
        ...(strings.name !== undefined ? { name: strings.name } : {}),
        zip: booleans.zip ?? false,
      });
      for (const file of [result.artifact, result.checksum, result.zip, result.checksums]) {
        if (file !== undefined) io.out(`${shown(io, file)}\n`);
      }
    },
  },
  {
    spec: installLegacyCommand,
    async run({ positionals, strings, booleans }, io) {
      if (strings.dir === undefined) throw usage('install-legacy: --dir is required');
      if (booleans['no-multi'] && booleans['no-singles']) {
        throw usage('install-legacy: --no-multi and --no-singles together would install nothing');
      }
      const result = await installLegacy({
        plugin: positionals.plugin!,
        dir: strings.dir,
        ...(strings.name !== undefined ? { name: strings.name } : {}),
        multi: !booleans['no-multi'],
        singles: !booleans['no-singles'],
      });
      for (const file of result.files) io.out(`${shown(io, file)}\n`);
      for (const skipped of result.skipped)
        io.err(`note: ${skipped} skipped: Packer ≤ 1.6 has no data sources\n`);
    },
  },
  {
    spec: docsCommand,
    async run({ positionals, strings }, io) {
      if (strings.out === undefined) throw usage('docs: --out is required');
      const files = await writeDocs({
        entry: positionals.entry!,
        out: strings.out,
        ...(strings.name !== undefined ? { name: strings.name } : {}),
      });
      for (const file of files) io.out(`${shown(io, file)}\n`);
    },
  },
  {
    spec: initCommand,
    async run({ positionals, strings }, io) {
      const files = initPlugin({
        dir: positionals.dir!,
        ...(strings.name !== undefined ? { name: strings.name } : {}),
        ...(strings.sdk !== undefined ? { sdk: strings.sdk } : {}),
      });
      for (const file of files) io.out(`${shown(io, file)}\n`);
      io.err(`next: cd ${shown(io, positionals.dir!)} && npm install && npm test\n`);
    },
  },
];

/** The overview `help` prints. */
export function overview(): string {
  const rows = commands.map((c) => `  ${c.spec.name.padEnd(16)} ${c.spec.brief}`);
  return [
    'usage: packer-plugin-sdk <command> [arguments]',
    '',
    'Package TypeScript Packer plugins and scaffold new ones.',
    '',
    ...rows,
    '',
    'Run `packer-plugin-sdk <command> --help` for its arguments.',
    '',
  ].join('\n');
}

/**
 * Runs the CLI and returns its exit status: 0 done, 1 failed, 2 usage error. Failures print
 * their code, message and hint on `err`; a stack only for errors the SDK did not anticipate.
 */
export async function main(
  args: readonly string[],
  io: CliIo = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    cwd: process.cwd(),
  },
): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = commands.find((c) => c.spec.name === rest[0]);
    (name === undefined ? io.err : io.out)(topic ? commandHelp(topic.spec) : overview());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.spec.name === name);
  try {
    if (!command) throw usage(`unknown command "${name}"`);
    const parsed = parseCommandArgs(command.spec, rest);
    if (parsed.help) {
      io.out(commandHelp(command.spec));
      return 0;
    }
    await command.run(parsed, io);
    return 0;
  } catch (err) {
    if (isSdkError(err)) {
      io.err(`packer-plugin-sdk: ${describeError(err)}\n  hint: ${err.hint}\n`);
      return err.code === 'PKR_ERR_CLI_USAGE' ? 2 : 1;
    }
    io.err(
      `packer-plugin-sdk: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : describeError(err)}\n`,
    );
    return 1;
  }
}

function usage(message: string): SdkError {
  return new SdkError('PKR_ERR_CLI_USAGE', message);
}
