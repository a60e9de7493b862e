import { expect } from 'chai';
import { commandHelp, parseCommandArgs, usageLine, type CommandSpec } from '../../cli/args.js';
import { main } from '../../cli/main.js';
import { isSdkError } from '../../errors/index.js';

const spec: CommandSpec = {
  name: 'demo',
  brief: 'a demo',
  summary: 'Does a demo.',
  positionals: ['entry'],
  flags: {
    out: { type: 'string', value: 'DIR', help: 'where to' },
    sea: { type: 'boolean', help: 'make one file' },
    version: { type: 'string', short: 'v', help: 'which version' },
  },
};

function usageProblem(args: string[]): string {
  try {
    parseCommandArgs(spec, args);
  } catch (err) {
    expect(isSdkError(err, 'PKR_ERR_CLI_USAGE'), String(err)).to.equal(true);
    return (err as Error).message;
  }
  throw new Error(`${args.join(' ')} parsed`);
}

/** Runs the CLI in-process and collects what it printed. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), cwd: process.cwd() });
  return { code, out, err };
}

describe('cli/args', () => {
  it('reads positionals, string flags (long, short, =) and switches', () => {
    const parsed = parseCommandArgs(spec, ['main.ts', '--out', 'dist', '--sea', '-v', '1.2.3']);
    expect(parsed.positionals).to.deep.equal({ entry: 'main.ts' });
    expect(parsed.strings).to.deep.equal({ out: 'dist', version: '1.2.3' });
    expect(parsed.booleans).to.deep.equal({ sea: true });
    expect(parseCommandArgs(spec, ['--out=x', 'e']).strings.out).to.equal('x');
    expect(parseCommandArgs(spec, ['e']).booleans.sea).to.equal(false);
    expect(parseCommandArgs(spec, ['e']).strings.out).to.equal(undefined);
  });

  it('refuses unknown flags, missing values and wrong positional counts, quoting the usage line', () => {
    const table: [string[], RegExp][] = [
      [['e', '--outt', 'x'], /Unknown option '--outt'/],
      [['e', '--out'], /argument missing/],
      [['e', '--out='], /--out needs a value/],
      [[], /missing entry/],
      [['a', 'b'], /unexpected argument "b"/],
      [['e', '--sea=yes'], /does not take an argument/],
    ];
    for (const [args, problem] of table) {
      const message = usageProblem(args);
      expect(message, args.join(' ')).to.match(problem);
      expect(message).to.contain(`usage: ${usageLine(spec)}`);
    }
  });

  it('lets --help through without positionals', () => {
    expect(parseCommandArgs(spec, ['--help']).help).to.equal(true);
    expect(parseCommandArgs(spec, ['-h']).help).to.equal(true);
  });

  it('renders usage and help from the spec', () => {
    expect(usageLine(spec)).to.equal('packer-plugin-sdk demo <entry> [--out DIR] [--sea] [--version VALUE]');
    const help = commandHelp(spec);
    expect(help).to.contain('Does a demo.');
    expect(help).to.match(/-v, --version VALUE\s+which version/);
  });
});

describe('cli/main', () => {
  it('lists the commands for help, exit 0; without a command, exit 2', async () => {
    const help = await cli(['help']);
    expect(help.code).to.equal(0);
    const listed = [...help.out.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1]);
    expect(listed).to.include.members([
      'build',
      'release',
      'install-legacy',
      'docs',
      'init',
      'graph',
      'watch',
    ]);
    const none = await cli([]);
    expect(none.code).to.equal(2);
    expect(none.err).to.contain('usage: packer-plugin-sdk <command>');
  });

  it('prints one command’s help', async () => {
    for (const args of [
      ['build', '--help'],
      ['help', 'build'],
    ]) {
      const run = await cli(args);
      expect(run.code).to.equal(0);
      expect(run.out).to.contain('usage: packer-plugin-sdk build <entry> [--out DIR] [--name NAME] [--sea]');
    }
  });

  it('fails usage errors with exit 2, the code and the hint', async () => {
    const table: [string[], RegExp][] = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['release', 'x'], /--version is required/],
      [['install-legacy', 'x', '--dir', 'd', '--no-multi', '--no-singles'], /would install nothing/],
      [['docs', 'main.ts'], /--out is required/],
      [['build', 'main.ts', '--sea', '--sourcemap'], /cannot be combined/],
      [['build'], /missing entry/],
    ];
    for (const [args, message] of table) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).to.equal(2);
      expect(run.err, args.join(' ')).to.match(message);
      expect(run.err).to.contain('[PKR_ERR_CLI_USAGE]');
      expect(run.err).to.contain('hint: Run `packer-plugin-sdk help`');
      expect(run.out).to.equal('');
    }
  });

  it('routes graph and watch to the observability commands, help included', async () => {
    for (const args of [
      ['graph', '--help'],
      ['help', 'graph'],
    ]) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).to.equal(0);
      expect(run.out).to.contain('usage: packer-plugin-sdk graph PLUGIN BUILDER');
    }
    const missing = await cli(['graph', 'only-a-plugin']);
    expect(missing.code).to.equal(2);
    expect(missing.err).to.contain('PLUGIN and BUILDER are required');
    const badFormat = await cli(['graph', 'p.ts', 'b', '--format', 'png']);
    expect(badFormat.code).to.equal(2);
    expect(badFormat.err).to.contain('unknown format "png"');
  });

  it('fails other coded errors with exit 1', async () => {
    const run = await cli(['release', '/nonexistent/packer-plugin-x', '--version', '1.0.0']);
    expect(run.code).to.equal(1);
    expect(run.err).to.contain('[PKR_ERR_CLI_NOT_BUILT]');
  });
});
