import { isAbsolute, relative } from 'node:path';
import { Writable } from 'node:stream';
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

/**
 * Commands that parse their own arguments and are loaded only when run: `graph` pulls in
 * esbuild and grpc-js, `watch` drives a terminal, and neither should slow the others down.
 */
interface LazyCommand {
  readonly name: string;
  readonly brief: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Adapts the CLI's text sinks to the streams the observability commands write to. */
const sink = (write: (text: string) => void): Writable =>
  new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      write(chunk.toString());
      done();
    },
  });

const lazyCommands: readonly LazyCommand[] = [
  {
    name: 'graph',
    brief: "print a builder's step graph (mermaid, dot or json) without running it",
    async run(args, io) {
      const { runGraphCommand } = await import('../observability/cli-graph.js');
      return runGraphCommand(args, { stdout: sink(io.out), stderr: sink(io.err) });
    },
  },
  {
    name: 'watch',
    brief: 'watch and steer a build served with PACKER_SDK_CONTROL',
    async run(args) {
      // The live view needs the real terminal (raw mode, size), so it always uses process streams.
      const { runWatchCommand } = await import('../observability/cli-watch.js');
      return runWatchCommand(args);
    },
  },
];

/** The overview `help` prints. */
export function overview(): string {
  const rows = [...commands.map((c) => c.spec), ...lazyCommands].map(
    (c) => `  ${c.name.padEnd(16)} ${c.brief}`,
  );
  return [
    'usage: packer-plugin-sdk <command> [arguments]',
    '',
    'Package TypeScript Packer plugins, scaffold new ones, and inspect their builds.',
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
    const lazy = lazyCommands.find((c) => c.name === rest[0]);
    if (name !== undefined && lazy) return lazy.run(['--help'], io);
    const topic = commands.find((c) => c.spec.name === rest[0]);
    (name === undefined ? io.err : io.out)(topic ? commandHelp(topic.spec) : overview());
    return name === undefined ? 2 : 0;
  }
  const lazy = lazyCommands.find((c) => c.name === name);
  if (lazy) return lazy.run(rest, io);
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
