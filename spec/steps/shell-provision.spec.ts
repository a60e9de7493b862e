import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import {
  EXIT_STATUS_DISCONNECTED,
  type Communicator,
  type RemoteCommand,
  type StartedCommand,
} from '../../communicators/communicator.js';
import { packerCommonKey } from '../../components/define-builder.js';
import { buildPlaceholderData } from '../../config/interpolate/index.js';
import { emptyPackerCommon } from '../../config/packer-common.js';
import { decodeConfig } from '../../config/decode.js';
import { schemaToHclSpec } from '../../config/hcl-spec.js';
import { BootCommandConfigSchema } from '../../steps/boot-command-config.js';
import { ShellLocalSchema } from '../../steps/shell-local.js';
import { keys } from '../../engine/keys.js';
import { abortReason } from '../../engine/clock.js';
import { isSdkError, SdkError, type ErrorCode } from '../../errors/index.js';
import {
  resolveShellConfig,
  ShellProvisionerSchema,
  validateShellConfig,
  type ShellProvisionerInput,
} from '../../steps/shell-config.js';
import { flattenEnvironment, shellEnvironment } from '../../steps/shell-env.js';
import { cleanOutputLine } from '../../steps/shell-output.js';
import {
  crlfToLf,
  runShellProvisioner,
  shellProvisioner,
  stepShellProvision,
  type RunShellOptions,
} from '../../steps/shell-provision.js';
import { createManualClock, createMockState, MockUi, runStep } from '../../testing/index.js';

/** What the fake machine does with one command: its output and exit status, or a failure to start. */
type Behaviour = { status?: number; stdout?: string; stderr?: string; startError?: Error; hang?: boolean };

/**
 * A communicator that records every upload (with its content) and command, and answers
 * commands from `behave` — enough to see exactly what the provisioner asks of a machine.
 */
class FakeMachine implements Communicator {
  readonly log: string[] = [];
  readonly files = new Map<string, string>();
  uploadFailures = 0;

  constructor(private readonly behave: (command: string, n: number) => Behaviour = () => ({})) {}

  async start(cmd: RemoteCommand, options: { signal?: AbortSignal } = {}): Promise<StartedCommand> {
    const n = this.log.filter((l) => l.startsWith('run ')).length;
    this.log.push(`run ${cmd.command}`);
    const b = this.behave(cmd.command, n);
    if (b.startError) throw b.startError;
    const write = (stream: Writable | undefined, text: string | undefined): Promise<void> =>
      text === undefined || !stream
        ? Promise.resolve()
        : new Promise((resolve) => stream.write(text, () => resolve()));
    const exited = (async () => {
      await write(cmd.stdout, b.stdout);
      await write(cmd.stderr, b.stderr);
      if (b.hang) {
        await new Promise<void>((_resolve, reject) =>
          options.signal?.addEventListener('abort', () => reject(abortReason(options.signal))),
        );
      }
      return b.status ?? 0;
    })();
    exited.catch(() => undefined);
    return { exited };
  }

  async upload(dst: string, src: Readable): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of src) chunks.push(Buffer.from(chunk as Buffer));
    if (this.uploadFailures > 0) {
      this.uploadFailures--;
      this.log.push(`upload-failed ${dst}`);
      throw new SdkError('PKR_ERR_SSH_CONNECT', 'connect ECONNREFUSED 10.0.0.5:22');
    }
    this.log.push(`upload ${dst}`);
    this.files.set(dst, Buffer.concat(chunks).toString());
  }

  async uploadDir(): Promise<void> {
    throw new Error('not used');
  }
  async download(): Promise<void> {
    throw new Error('not used');
  }
  async downloadDir(): Promise<void> {
    throw new Error('not used');
  }
}

const THIS_FILE = fileURLToPath(import.meta.url);
const RANDOM = () => 0.12345; // script_1234.sh, varfile_1234.sh
const common = {
  ...emptyPackerCommon(),
  buildName: 'web',
  builderType: 'qemu',
  userVariables: { who: 'ops' },
};

async function provision(
  machine: FakeMachine,
  config: ShellProvisionerInput,
  extra: Partial<RunShellOptions> = {},
): Promise<{ ui: MockUi; error: unknown }> {
  const ui = new MockUi();
  let error: unknown;
  await runShellProvisioner({
    config,
    communicator: machine,
    ui,
    common,
    random: RANDOM,
    clock: createManualClock({ autoAdvance: true }),
    ...extra,
  }).catch((err: unknown) => (error = err));
  return { ui, error };
}

function expectCode(error: unknown, code: ErrorCode): void {
  expect(isSdkError(error, code), `${String(error)} should be ${code}`).to.equal(true);
}

describe('steps/shell-provision (mocked machine)', () => {
  it('uploads the inline commands as a script, runs it with the variables, streams output and cleans up', async () => {
    const machine = new FakeMachine((command) =>
      command.includes('script_1234.sh; ')
        ? { stdout: 'hello\nprogress 10%\rprogress 100%\n', stderr: 'warn\n' }
        : {},
    );
    const { ui, error } = await provision(machine, {
      inline: ['echo hello', 'echo {{ build_name }}-{{ user `who` }}'],
    });
    expect(error).to.equal(undefined);
    expect(machine.log).to.deep.equal([
      'upload /tmp/script_1234.sh',
      'run chmod 0755 /tmp/script_1234.sh',
      "run chmod +x /tmp/script_1234.sh; PACKER_BUILDER_TYPE='qemu' PACKER_BUILD_NAME='web'  /tmp/script_1234.sh",
      'run rm -f /tmp/script_1234.sh',
    ]);
    expect(machine.files.get('/tmp/script_1234.sh')).to.equal('#!/bin/sh -e\necho hello\necho web-ops\n');
    expect(ui.records.map((r) => ('text' in r ? `${r.kind}: ${r.text}` : r.kind))).to.deep.equal([
      'say: Provisioning with shell script: inline script',
      'message: hello',
      'message: progress 100%',
      'error: warn',
    ]);
  });

  it('quotes environment_vars and env values so any character reaches the script, env winning', async () => {
    const machine = new FakeMachine();
    const nasty = `it's "quoted" $HOME \`id\` \\ ; rm -rf /\nline2`;
    await provision(machine, {
      inline: ['true'],
      environment_vars: [`NASTY=${nasty}`, 'EQ=a=b', 'OVERRIDE=old'],
      env: { OVERRIDE: 'new', EMPTY: '' },
    });
    const run = machine.log.find((l) => l.includes('; '))!;
    expect(run).to.equal(
      "run chmod +x /tmp/script_1234.sh; EMPTY='' EQ='a=b' " +
        `NASTY='it'"'"'s "quoted" $HOME \`id\` \\ ; rm -rf /\nline2' ` +
        "OVERRIDE='new' PACKER_BUILDER_TYPE='qemu' PACKER_BUILD_NAME='web'  /tmp/script_1234.sh",
    );
  });

  it('exposes the HTTP server address from the generated data, but not the Go SDK’s placeholders', () => {
    const withHttp = shellEnvironment({
      generatedData: { PackerHTTPAddr: '10.0.2.2:8080', PackerHTTPIP: '10.0.2.2', PackerHTTPPort: '8080' },
    });
    expect(withHttp.map(([k]) => k)).to.deep.equal([
      'PACKER_BUILDER_TYPE',
      'PACKER_BUILD_NAME',
      'PACKER_HTTP_ADDR',
      'PACKER_HTTP_IP',
      'PACKER_HTTP_PORT',
    ]);
    const without = shellEnvironment({
      generatedData: { PackerHTTPAddr: 'ERR_HTTP_ADDR_NOT_IMPLEMENTED_BY_BUILDER' },
    });
    expect(without.map(([k]) => k)).to.deep.equal(['PACKER_BUILDER_TYPE', 'PACKER_BUILD_NAME']);
    expect(flattenEnvironment([['A', "x'y"]], 'export %s="%s"\n')).to.equal(`export A="x'"'"'y"\n`);
  });

  const statuses: [string, ShellProvisionerInput, number, ErrorCode | undefined, RegExp | undefined][] = [
    ['0 is success by default', {}, 0, undefined, undefined],
    [
      'a non-zero status fails',
      {},
      3,
      'PKR_ERR_SHELL_EXIT_CODE',
      /^Script exited with non-zero exit status: 3\. Allowed exit codes are: \[0\]$/,
    ],
    ['a listed status succeeds', { valid_exit_codes: [0, 3] }, 3, undefined, undefined],
    [
      'valid_exit_codes replaces 0',
      { valid_exit_codes: [3010] },
      0,
      'PKR_ERR_SHELL_EXIT_CODE',
      /Allowed exit codes are: \[3010\]/,
    ],
    ['a disconnect fails', {}, EXIT_STATUS_DISCONNECTED, 'PKR_ERR_SHELL_DISCONNECTED', /expect_disconnect/],
    [
      'a disconnect is fine with expect_disconnect',
      { expect_disconnect: true },
      EXIT_STATUS_DISCONNECTED,
      undefined,
      undefined,
    ],
    [
      'a disconnect listed in valid_exit_codes is fine',
      { valid_exit_codes: [0, 2300218] },
      2300218,
      undefined,
      undefined,
    ],
  ];
  for (const [name, extra, status, code, message] of statuses) {
    it(`exit status: ${name}`, async () => {
      const machine = new FakeMachine((command) => (command.startsWith('chmod +x') ? { status } : {}));
      const { error } = await provision(machine, { inline: ['x'], ...extra });
      if (code === undefined) expect(error).to.equal(undefined);
      else {
        expectCode(error, code);
        if (message) expect((error as Error).message).to.match(message);
      }
    });
  }

  it('retries the upload and start while the machine reboots, pausing start_retry_delay', async () => {
    const clock = createManualClock({ autoAdvance: true });
    const machine = new FakeMachine();
    machine.uploadFailures = 2;
    const { error } = await provision(machine, { inline: ['x'], start_retry_delay: '3s' }, { clock });
    expect(error).to.equal(undefined);
    expect(machine.log.slice(0, 3)).to.deep.equal([
      'upload-failed /tmp/script_1234.sh',
      'upload-failed /tmp/script_1234.sh',
      'upload /tmp/script_1234.sh',
    ]);
    expect(clock.sleeps).to.deep.equal([3000, 3000]);
  });

  it('gives up after start_retry_timeout with PKR_ERR_SHELL_START and the last error as cause', async () => {
    const clock = createManualClock({ autoAdvance: true });
    const refused = new Error('ssh: connection refused');
    const machine = new FakeMachine((command) =>
      command.startsWith('chmod 0755') ? { startError: refused } : {},
    );
    const { error } = await provision(machine, { inline: ['x'], start_retry_timeout: '10s' }, { clock });
    expectCode(error, 'PKR_ERR_SHELL_START');
    expect((error as Error).cause).to.equal(refused);
    expect((error as Error).message).to.equal('running inline script failed: ssh: connection refused');
    // Attempts at 0, 2, 4, 6, 8 and 10 s: the last one is past the deadline.
    expect(machine.log.filter((l) => l.startsWith('upload'))).to.have.length(6);
    expect(clock.sleeps).to.deep.equal([2000, 2000, 2000, 2000, 2000]);
  });

  it('retries removing the script after a reboot until the machine answers', async () => {
    const machine = new FakeMachine((command, n) => {
      if (command.startsWith('chmod +x')) return { status: EXIT_STATUS_DISCONNECTED };
      if (command.startsWith('rm -f') && n < 5) return { status: EXIT_STATUS_DISCONNECTED };
      return {};
    });
    const { error } = await provision(machine, { inline: ['reboot'], expect_disconnect: true });
    expect(error).to.equal(undefined);
    expect(machine.log.filter((l) => l.startsWith('run rm -f'))).to.have.length(4);
  });

  it('reports a script it cannot remove as PKR_ERR_SHELL_CLEANUP', async () => {
    const machine = new FakeMachine((command) => (command.startsWith('rm -f') ? { status: 1 } : {}));
    const { error } = await provision(machine, { inline: ['x'], start_retry_timeout: '4s' });
    expectCode(error, 'PKR_ERR_SHELL_CLEANUP');
    expect((error as Error).message).to.include('/tmp/script_1234.sh');
  });

  it('leaves the script in place with skip_clean', async () => {
    const machine = new FakeMachine();
    await provision(machine, { inline: ['x'], skip_clean: true });
    expect(machine.log.some((l) => l.startsWith('run rm'))).to.equal(false);
  });

  it('uploads local scripts in order, converting CRLF unless binary, to remote_path', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-shell-spec-'));
    try {
      const a = path.join(dir, 'a.sh');
      const b = path.join(dir, 'b.sh');
      await writeFile(a, '#!/bin/sh\r\necho a\r\n');
      await writeFile(b, 'echo b\r\n');
      const contents: string[] = [];
      const machine: FakeMachine = new FakeMachine((command) => {
        if (command.startsWith('chmod +x')) contents.push(machine.files.get('/opt/run.sh')!);
        return {};
      });
      const { ui } = await provision(machine, { scripts: [a, b], remote_path: '/opt/run.sh' });
      expect(contents).to.deep.equal(['#!/bin/sh\necho a\n', 'echo b\n']);
      expect(ui.lines.filter((l) => l.startsWith('Provisioning'))).to.deep.equal([
        `Provisioning with shell script: ${a}`,
        `Provisioning with shell script: ${b}`,
      ]);
      const binary = new FakeMachine();
      await provision(binary, { script: b, binary: true, skip_clean: true });
      expect(binary.files.get('/tmp/script_1234.sh')).to.equal('echo b\r\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails with PKR_ERR_SHELL_SCRIPT before touching the machine when a script is missing', async () => {
    const machine = new FakeMachine();
    const { error } = await provision(machine, { script: '/nonexistent/setup.sh' });
    expectCode(error, 'PKR_ERR_SHELL_SCRIPT');
    expect(machine.log).to.deep.equal([]);
  });

  it('writes the variables to a file with use_env_var_file and sources it', async () => {
    const machine = new FakeMachine();
    await provision(machine, { inline: ['x'], use_env_var_file: true, environment_vars: ["A=it's"] });
    expect(machine.log).to.deep.equal([
      'upload /tmp/varfile_1234.sh',
      'run chmod 0600 /tmp/varfile_1234.sh',
      'upload /tmp/script_1234.sh',
      'run chmod 0755 /tmp/script_1234.sh',
      'run chmod +x /tmp/script_1234.sh; . /tmp/varfile_1234.sh && /tmp/script_1234.sh',
      'run rm -f /tmp/script_1234.sh',
      'run rm -f /tmp/varfile_1234.sh',
    ]);
    expect(machine.files.get('/tmp/varfile_1234.sh')).to.equal(
      "export A='it'\"'\"'s'\nexport PACKER_BUILDER_TYPE='qemu'\nexport PACKER_BUILD_NAME='web'\n",
    );
  });

  it('renders execute_command with .Path, .Vars and the generated data', async () => {
    const machine = new FakeMachine();
    await provision(
      machine,
      {
        inline: ['x'],
        execute_command: 'sudo -E sh -c "{{ .Vars }}{{ .Path }}" # {{ .Host }} {{ build_type }}',
        env_var_format: '%s=%s ',
        remote_folder: '/var/tmp',
        remote_file: 'go.sh',
      },
      { generatedData: { Host: '10.1.1.1' } },
    );
    expect(machine.log).to.include(
      'run sudo -E sh -c "PACKER_BUILDER_TYPE=qemu PACKER_BUILD_NAME=web /var/tmp/go.sh" # 10.1.1.1 qemu',
    );
  });

  it('pauses pause_after at the end', async () => {
    const clock = createManualClock({ autoAdvance: true });
    const { ui } = await provision(new FakeMachine(), { inline: ['x'], pause_after: '1m30s' }, { clock });
    expect(clock.sleeps).to.deep.equal([90_000]);
    expect(ui.lines.at(-1)).to.equal('Pausing 1m30s after this provisioner...');
  });

  it('stops a running script when cancelled, without retrying', async () => {
    const controller = new AbortController();
    const machine = new FakeMachine((command) => (command.startsWith('chmod +x') ? { hang: true } : {}));
    const ui = new MockUi();
    const running = runShellProvisioner({
      config: { inline: ['sleep 1000'] },
      communicator: machine,
      ui,
      random: RANDOM,
      signal: controller.signal,
      clock: createManualClock({ autoAdvance: true }),
    });
    while (!machine.log.some((l) => l.startsWith('run chmod +x'))) await new Promise((r) => setImmediate(r));
    controller.abort();
    const error = await running.catch((e: unknown) => e);
    expectCode(error, 'PKR_ERR_CANCELLED');
    expect(machine.log.filter((l) => l.startsWith('upload'))).to.have.length(1);
  });
});

describe('steps/shell-provision: config, step and component', () => {
  it('applies Packer’s defaults', () => {
    const resolved = resolveShellConfig({}, RANDOM);
    expect(resolved).to.deep.include({
      executeCommand: 'chmod +x {{.Path}}; {{.Vars}} {{.Path}}',
      envVarFormat: "%s='%s' ",
      remotePath: '/tmp/script_1234.sh',
      inlineShebang: '/bin/sh -e',
      startRetryTimeoutMs: 300_000,
      startRetryDelayMs: 2000,
      pauseAfterMs: 0,
    });
    expect(resolved.validExitCodes).to.deep.equal([0]);
    expect(resolveShellConfig({ start_retry_timeout: '0s' }).startRetryTimeoutMs).to.equal(300_000);
    expect(resolveShellConfig({ use_env_var_file: true }, RANDOM)).to.deep.include({
      executeCommand: 'chmod +x {{.Path}}; . {{.EnvVarFile}} && {{.Path}}',
      envVarFormat: "export %s='%s'\n",
    });
  });

  const problems: [string, ShellProvisionerInput, string[]][] = [
    ['nothing to run', {}, [': Either a script file or inline script must be specified.']],
    [
      'script and scripts',
      { script: THIS_FILE, scripts: [THIS_FILE] },
      ['script: Only one of script or scripts can be specified.'],
    ],
    [
      'inline and a script',
      { inline: ['x'], scripts: [THIS_FILE] },
      ['inline: Only a script file or an inline script can be specified, not both.'],
    ],
    [
      'a missing script',
      { scripts: ['/nope.sh'] },
      ["scripts[0]: Bad script '/nope.sh': ENOENT: no such file or directory, stat '/nope.sh'"],
    ],
    [
      'a variable without =',
      { inline: ['x'], environment_vars: ['FOO'] },
      ["environment_vars[0]: Environment variable not in format 'key=value': FOO"],
    ],
    [
      'a variable with an empty name',
      { inline: ['x'], environment_vars: ['=x'] },
      ["environment_vars[0]: Environment variable not in format 'key=value': =x"],
    ],
    [
      'a name a shell would run as a command',
      { inline: ['x'], environment_vars: ['A;reboot=1'], env: { '1X': 'y' } },
      [
        'environment_vars[0]: "A;reboot" is not a valid variable name (letters, digits and _, not starting with a digit)',
        'env["1X"]: "1X" is not a valid variable name (letters, digits and _, not starting with a digit)',
      ],
    ],
    ['a valid config', { inline: ['x'], environment_vars: ['A=1'], env: { _B2: '' } }, []],
  ];
  for (const [name, config, expected] of problems) {
    it(`validates: ${name}`, () => {
      expect(validateShellConfig(config).map((p) => `${p.path}: ${p.message}`)).to.deep.equal(expected);
    });
  }

  it('runs as a builder step through the state’s communicator with the build’s name and type', async () => {
    const machine = new FakeMachine();
    const state = createMockState([
      [keys.ui, new MockUi()],
      [keys.communicator, machine],
      [keys.httpIp, '10.0.2.2'],
      [keys.httpPort, 8000],
      [packerCommonKey, common],
    ]);
    const run = await runStep(stepShellProvision({ config: { inline: ['x'] }, random: RANDOM }), { state });
    expect(run.error).to.equal(undefined);
    expect(machine.log[2]).to.equal(
      "run chmod +x /tmp/script_1234.sh; PACKER_BUILDER_TYPE='qemu' PACKER_BUILD_NAME='web' " +
        "PACKER_HTTP_ADDR='10.0.2.2:8000' PACKER_HTTP_IP='10.0.2.2' PACKER_HTTP_PORT='8000'  /tmp/script_1234.sh",
    );
  });

  it('is a provisioner component: Prepare reports problems, Provision runs with the generated data', async () => {
    const bad = shellProvisioner();
    const err = await bad.prepare([{ inline: ['x'], script: '/nope.sh' }]).catch((e: unknown) => e);
    expectCode(err, 'PKR_ERR_CONFIG_INVALID');
    expect((err as Error).message).to.include(
      '* inline: Only a script file or an inline script can be specified',
    );

    const provisioner = shellProvisioner();
    await provisioner.prepare([
      {
        inline: ['echo {{ build `Host` }}'],
        remote_file: 'p.sh',
        packer_build_name: 'b',
        packer_builder_type: 'null',
      },
      buildPlaceholderData(),
    ]);
    const machine = new FakeMachine();
    await provisioner.provision(new MockUi(), machine, { Host: '192.0.2.7' }, new AbortController().signal);
    expect(machine.files.get('/tmp/p.sh')).to.equal('#!/bin/sh -e\necho 192.0.2.7\n');
    expect(machine.log[2]).to.equal(
      "run chmod +x /tmp/p.sh; PACKER_BUILDER_TYPE='null' PACKER_BUILD_NAME='b'  /tmp/p.sh",
    );
  });

  it('declares schemas Packer can use: an HCL2 spec for every field, deprecations as warnings', () => {
    expect(Object.keys(schemaToHclSpec(ShellProvisionerSchema))).to.have.length(19);
    expect(Object.keys(schemaToHclSpec(ShellLocalSchema))).to.include.members(['command', 'only_on', 'env']);
    expect(Object.keys(schemaToHclSpec(BootCommandConfigSchema))).to.deep.equal([
      'boot_command',
      'boot_wait',
      'boot_keygroup_interval',
      'boot_key_interval',
    ]);
    expect(decodeConfig(ShellLocalSchema, [{ command: 'x' }]).warnings).to.deep.equal([
      'command is deprecated: use inline instead.',
    ]);
  });

  it('cleans output lines as Packer does', () => {
    expect(cleanOutputLine('plain')).to.equal('plain');
    expect(cleanOutputLine('trailing  \t')).to.equal('trailing');
    expect(cleanOutputLine('10%\r50%\r100%')).to.equal('100%');
    expect(cleanOutputLine('windows\r')).to.equal('windows');
    expect(cleanOutputLine('  indented')).to.equal('  indented');
  });

  it('converts CRLF to LF however the input is split into chunks (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', '\r', '\n', '\r\n', 'é', 'x\r\ny'), { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }),
        async (parts, cuts) => {
          const whole = Buffer.from(parts.join(''));
          const chunks: Buffer[] = [];
          for (let at = 0, i = 0; at < whole.length; i++) {
            const size = cuts[i % cuts.length]!;
            chunks.push(whole.subarray(at, at + size));
            at += size;
          }
          const out: Buffer[] = [];
          for await (const c of Readable.from(chunks).pipe(crlfToLf())) out.push(c as Buffer);
          expect(Buffer.concat(out).toString()).to.equal(parts.join('').replace(/\r\n/g, '\n'));
        },
      ),
      { numRuns: 200 },
    );
  });
});
