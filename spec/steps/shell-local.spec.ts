import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { packerCommonKey } from '../../components/define-builder.js';
import { buildPlaceholderData } from '../../config/interpolate/index.js';
import { emptyPackerCommon } from '../../config/packer-common.js';
import { keys } from '../../engine/keys.js';
import { isSdkError, type ErrorCode } from '../../errors/index.js';
import {
  goOsName,
  runShellLocal,
  shellLocalProvisioner,
  stepShellLocal,
  validateShellLocalConfig,
  type RunShellLocalOptions,
  type ShellLocalInput,
} from '../../steps/shell-local.js';
import { createMockState, MockUi, runStep } from '../../testing/index.js';
import { NASTY_VALUES } from './support/shell-contract.js';

const common = { ...emptyPackerCommon(), buildName: 'web', builderType: 'qemu' };

async function local(
  config: ShellLocalInput,
  extra: Partial<RunShellLocalOptions> = {},
): Promise<{ ui: MockUi; error: unknown; output: string[] }> {
  const ui = new MockUi();
  const error = await runShellLocal({ config, ui, common, ...extra }).catch((err: unknown) => err);
  return { ui, error, output: ui.lines.filter((l) => !l.startsWith('Running local shell script')) };
}

function expectCode(error: unknown, code: ErrorCode): void {
  expect(isSdkError(error, code), `${String(error)} should be ${code}`).to.equal(true);
}

describe('steps/shell-local (real processes on this machine)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-shell-local-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runs inline commands from a temporary script that is removed afterwards', async () => {
    const { ui, error, output } = await local({ inline: ['echo "script: $0"', 'echo "$PACKER_BUILD_NAME"'] });
    expect(error).to.equal(undefined);
    const script = output[0]!.replace('script: ', '');
    expect(path.isAbsolute(script)).to.equal(true);
    expect(ui.lines[0]).to.equal(`Running local shell script: ${script}`);
    expect(output[1]).to.equal('web');
    expect(existsSync(script)).to.equal(false);
  });

  it('runs the deprecated command like a one-line inline', async () => {
    const { output } = await local({ command: 'echo from command' });
    expect(output).to.deep.equal(['from command']);
  });

  it('names the inline script with tempfile_extension', async () => {
    const { output } = await local({ inline: ['echo "$0"'], tempfile_extension: '.sh' });
    expect(output[0]).to.match(/\.sh$/);
  });

  it('runs scripts in order, passing their absolute path as {{.Script}}', async () => {
    await writeFile(path.join(dir, 'a.sh'), '#!/bin/sh\necho "a at $0"\n', { mode: 0o755 });
    await writeFile(path.join(dir, 'b.sh'), '#!/bin/sh\necho b\n', { mode: 0o755 });
    const { error, output } = await local({ scripts: [path.join(dir, 'a.sh'), path.join(dir, 'b.sh')] });
    expect(error).to.equal(undefined);
    expect(output).to.deep.equal([`a at ${path.join(dir, 'a.sh')}`, 'b']);
  });

  it('hands every environment value to the script byte for byte', async () => {
    const { error } = await local({
      env: { ...NASTY_VALUES },
      environment_vars: ['FROM_LIST=x y', 'QUOTES=overridden by env'],
      inline: [...Object.keys(NASTY_VALUES), 'FROM_LIST'].map((n) => `printf '%s' "$${n}" > '${dir}/${n}'`),
    });
    expect(error).to.equal(undefined);
    for (const [name, value] of Object.entries({ ...NASTY_VALUES, FROM_LIST: 'x y' })) {
      expect(await readFile(path.join(dir, name), 'utf8'), name).to.equal(value);
    }
  });

  it('renders each element of execute_command and runs it without a shell', async () => {
    await writeFile(path.join(dir, 's.sh'), 'unused');
    const { error, output } = await local(
      {
        script: path.join(dir, 's.sh'),
        execute_command: ['/bin/echo', '{{.Script}}', '{{ build_name }}', '{{ .Host }}', '$HOME;|'],
      },
      { generatedData: { Host: '192.0.2.1' } },
    );
    expect(error).to.equal(undefined);
    expect(output).to.deep.equal([`${path.join(dir, 's.sh')} web 192.0.2.1 $HOME;|`]);
  });

  it('streams stderr lines as errors', async () => {
    const { ui } = await local({ inline: ['echo to-out', 'echo to-err >&2'] });
    expect(
      ui.records.filter((r) => r.kind === 'error').map((r) => ('text' in r ? r.text : '')),
    ).to.deep.equal(['to-err']);
  });

  it('checks the exit status against valid_exit_codes', async () => {
    const failed = await local({ inline: ['exit 5'] });
    expectCode(failed.error, 'PKR_ERR_SHELL_EXIT_CODE');
    expect((failed.error as Error).message).to.equal(
      'Script exited with non-zero exit status: 5. Allowed exit codes are: [0]',
    );
    expect((await local({ inline: ['exit 5'], valid_exit_codes: [5] })).error).to.equal(undefined);
  });

  it('skips on an OS not in only_on, runs on one that is', async () => {
    const skipped = await local({ inline: [`touch '${dir}/ran'`], only_on: ['windows'] }, { os: 'linux' });
    expect(skipped.ui.lines).to.deep.equal(['Skipping shell-local due to runtime OS']);
    expect(existsSync(path.join(dir, 'ran'))).to.equal(false);
    await local({ inline: [`touch '${dir}/ran'`], only_on: ['darwin', goOsName()] });
    expect(existsSync(path.join(dir, 'ran'))).to.equal(true);
  });

  it('names operating systems as Go does', () => {
    expect(goOsName('linux')).to.equal('linux');
    expect(goOsName('win32')).to.equal('windows');
    expect(goOsName('sunos')).to.equal('solaris');
  });

  it('fails with PKR_ERR_SHELL_LOCAL_START when the program does not exist', async () => {
    const { error } = await local({
      inline: ['true'],
      execute_command: ['/nonexistent/shell', '{{.Script}}'],
    });
    expectCode(error, 'PKR_ERR_SHELL_LOCAL_START');
  });

  it('stops the whole process group when cancelled', async () => {
    const controller = new AbortController();
    const ui = new MockUi();
    const running = runShellLocal({
      config: { inline: [`echo $$ > '${dir}/pid'`, 'sleep 300 & wait'] },
      ui,
      signal: controller.signal,
    });
    while (!existsSync(path.join(dir, 'pid')) || readFileSync(path.join(dir, 'pid'), 'utf8') === '') {
      await new Promise((resolve) => setImmediate(resolve));
    }
    controller.abort();
    expectCode(await running.catch((e: unknown) => e), 'PKR_ERR_CANCELLED');
    const pid = Number((await readFile(path.join(dir, 'pid'), 'utf8')).trim());
    // The script's shell is gone (or a zombie awaiting its reaper): nothing of it runs on.
    const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
    expect(stat === '' || / Z /.test(stat), stat).to.equal(true);
  });

  const problems: [string, ShellLocalInput, string[]][] = [
    ['nothing to run', {}, [': Command, Inline, Script and Scripts options cannot all be empty.']],
    [
      'two ways to run',
      { command: 'x', inline: ['y'] },
      [
        'inline: You may only specify one of the following options: Command, Inline, Script or Scripts (got command, inline).',
      ],
    ],
    [
      'an unknown OS',
      { inline: ['x'], only_on: ['linux', 'beos'] },
      [
        "only_on[1]: Invalid OS specified in only_on: 'beos'. Supported OS names: darwin, freebsd, linux, openbsd, solaris, windows",
      ],
    ],
    [
      'a missing script',
      { script: '/nope.sh' },
      ["script: Bad script '/nope.sh': ENOENT: no such file or directory, stat '/nope.sh'"],
    ],
    [
      'a bad variable',
      { inline: ['x'], environment_vars: ['novalue'] },
      ["environment_vars[0]: Environment variable not in format 'key=value': novalue"],
    ],
    ['a valid config', { inline: ['x'], only_on: ['linux'] }, []],
  ];
  for (const [name, config, expected] of problems) {
    it(`validates: ${name}`, () => {
      expect(validateShellLocalConfig(config).map((p) => `${p.path}: ${p.message}`)).to.deep.equal(expected);
    });
  }

  it('is a provisioner component that sees the generated data', async () => {
    const provisioner = shellLocalProvisioner();
    await provisioner.prepare([
      { inline: ['echo "id={{ build `ID` }} $PACKER_HTTP_ADDR"'], packer_build_name: 'b' },
      buildPlaceholderData(),
    ]);
    const ui = new MockUi();
    await provisioner.provision(
      ui,
      undefined as never,
      { ID: 'vm-42', PackerHTTPAddr: '10.0.2.2:8000' },
      new AbortController().signal,
    );
    expect(ui.lines.at(-1)).to.equal('id=vm-42 10.0.2.2:8000');
  });

  it('runs as a builder step with the build’s data from the state', async () => {
    const ui = new MockUi();
    const state = createMockState([
      [keys.ui, ui],
      [keys.instanceId, 'i-7'],
      [keys.httpIp, '10.0.2.2'],
      [keys.httpPort, 8123],
      [packerCommonKey, common],
    ]);
    const run = await runStep(
      stepShellLocal({ config: { inline: ['echo "$PACKER_BUILDER_TYPE $PACKER_HTTP_PORT {{ .ID }}"'] } }),
      { state },
    );
    expect(run.error).to.equal(undefined);
    expect(ui.lines.at(-1)).to.equal('qemu 8123 i-7');
  });
});
