/**
 * What the shell provisioner must do against a real machine, whatever the communicator: the
 * same cases run through the local communicator and through SSH against OpenSSH's sshd. The
 * "machine" is this host in both cases, so a spec can read what a script wrote.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Communicator } from '../../../communicators/communicator.js';
import { isSdkError } from '../../../errors/index.js';
import type { ShellProvisionerInput } from '../../../steps/shell-config.js';
import { runShellProvisioner } from '../../../steps/shell-provision.js';
import { createManualClock, MockUi } from '../../../testing/index.js';

/** Values a careless quoting would break: quotes, `$`, backquotes, backslashes, newlines, globs. */
export const NASTY_VALUES: Readonly<Record<string, string>> = {
  QUOTES: `it's "double" and 'single'`,
  DOLLARS: '$HOME ${PATH} $(id -u) `whoami` $1 $$',
  BACKSLASH: 'a\\b\\\\c\\n\\',
  NEWLINES: 'line one\nline two\n\nline four\n',
  SHELL_OPS: '; rm -rf / && reboot || true | cat > x < y & * ? [a] ~ # !',
  UNICODE: 'é€😀\ttab  ',
  EMPTY: '',
  EQUALS: 'a=b==c',
};

export interface ShellTarget {
  readonly communicator: Communicator;
}

/** Registers the shared cases; `target()` gives the communicator once `before` hooks ran. */
export function shellContract(target: () => ShellTarget): void {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-shell-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const provision = async (config: ShellProvisionerInput): Promise<{ ui: MockUi; error: unknown }> => {
    const ui = new MockUi();
    let error: unknown;
    await runShellProvisioner({
      config: { remote_folder: dir, start_retry_delay: '10ms', ...config },
      communicator: target().communicator,
      ui,
      common: { buildName: 'web', builderType: 'null' },
      clock: createManualClock({ autoAdvance: true }),
    }).catch((err: unknown) => (error = err));
    return { ui, error };
  };

  it('hands every environment value to the script byte for byte', async () => {
    const [first, ...rest] = Object.entries(NASTY_VALUES);
    const { error } = await provision({
      environment_vars: [`${first![0]}=${first![1]}`],
      env: Object.fromEntries(rest),
      inline: Object.keys(NASTY_VALUES).map((name) => `printf '%s' "$${name}" > '${dir}/${name}.out'`),
    });
    expect(error).to.equal(undefined);
    for (const [name, value] of Object.entries(NASTY_VALUES)) {
      expect(await readFile(path.join(dir, `${name}.out`), 'utf8'), name).to.equal(value);
    }
  });

  it('sets PACKER_BUILD_NAME and PACKER_BUILDER_TYPE', async () => {
    const { ui, error } = await provision({ inline: ['echo "$PACKER_BUILD_NAME/$PACKER_BUILDER_TYPE"'] });
    expect(error).to.equal(undefined);
    expect(ui.lines).to.include('web/null');
  });

  it('streams stdout as messages and stderr as errors, line by line', async () => {
    const { ui, error } = await provision({
      inline: ['echo out one', 'echo err one >&2', 'echo out two', 'printf "no newline at the end"'],
    });
    expect(error).to.equal(undefined);
    const messages = ui.records.filter((r) => r.kind === 'message').map((r) => ('text' in r ? r.text : ''));
    const errors = ui.records.filter((r) => r.kind === 'error').map((r) => ('text' in r ? r.text : ''));
    expect(messages).to.deep.equal(['out one', 'out two', 'no newline at the end']);
    expect(errors).to.deep.equal(['err one']);
  });

  it('fails on an exit status outside valid_exit_codes, and accepts a listed one', async () => {
    const failed = await provision({ inline: ['echo about to fail', 'exit 3'] });
    expect(isSdkError(failed.error, 'PKR_ERR_SHELL_EXIT_CODE'), String(failed.error)).to.equal(true);
    expect((failed.error as Error).message).to.equal(
      'Script exited with non-zero exit status: 3. Allowed exit codes are: [0]',
    );
    expect(failed.ui.lines).to.include('about to fail');
    expect(await readdir(dir), 'the failed script is removed too').to.deep.equal([]);
    const kept = await provision({ inline: ['exit 3'], skip_clean: true, use_env_var_file: true });
    expect(isSdkError(kept.error, 'PKR_ERR_SHELL_EXIT_CODE')).to.equal(true);
    expect((await readdir(dir)).length, 'skip_clean keeps the script and variables file').to.equal(2);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    const withVars = await provision({ inline: ['exit 3'], use_env_var_file: true });
    expect(isSdkError(withVars.error, 'PKR_ERR_SHELL_EXIT_CODE')).to.equal(true);
    expect(await readdir(dir), 'and the variables file with it').to.deep.equal([]);
    const accepted = await provision({ inline: ['exit 3'], valid_exit_codes: [0, 3] });
    expect(accepted.error).to.equal(undefined);
  });

  it('stops at the first failing command of an inline script (the -e of /bin/sh -e)', async () => {
    const { ui, error } = await provision({ inline: ['echo one', 'false', 'echo never'] });
    expect(isSdkError(error, 'PKR_ERR_SHELL_EXIT_CODE')).to.equal(true);
    expect(ui.lines).to.include('one');
    expect(ui.lines).not.to.include('never');
  });

  it('removes the uploaded script, or keeps it with skip_clean', async () => {
    await provision({ inline: ['true'], remote_file: 'clean.sh' });
    expect(existsSync(path.join(dir, 'clean.sh'))).to.equal(false);
    await provision({ inline: ['true'], remote_file: 'kept.sh', skip_clean: true });
    expect(await readFile(path.join(dir, 'kept.sh'), 'utf8')).to.equal('#!/bin/sh -e\ntrue\n');
  });

  it('runs local scripts in order, with Windows line endings converted', async () => {
    const local = await mkdtemp(path.join(os.tmpdir(), 'pkr-shell-src-'));
    try {
      await writeFile(path.join(local, '1.sh'), '#!/bin/sh\r\nset -e\r\necho "first $A"\r\n');
      await writeFile(path.join(local, '2.sh'), '#!/bin/sh\necho second\n');
      const { ui, error } = await provision({
        scripts: [path.join(local, '1.sh'), path.join(local, '2.sh')],
        environment_vars: ['A=x y'],
      });
      expect(error).to.equal(undefined);
      expect(ui.lines.filter((l) => !l.startsWith('Provisioning'))).to.deep.equal(['first x y', 'second']);
    } finally {
      await rm(local, { recursive: true, force: true });
    }
  });

  it('sources the variables from a file with use_env_var_file, and removes that file', async () => {
    const { error } = await provision({
      inline: [`printf '%s' "$QUOTES|$NEWLINES" > '${dir}/vars.out'`],
      env: { QUOTES: NASTY_VALUES.QUOTES!, NEWLINES: NASTY_VALUES.NEWLINES! },
      use_env_var_file: true,
    });
    expect(error).to.equal(undefined);
    expect(await readFile(path.join(dir, 'vars.out'), 'utf8')).to.equal(
      `${NASTY_VALUES.QUOTES}|${NASTY_VALUES.NEWLINES}`,
    );
    expect((await readdir(dir)).filter((f) => f.startsWith('varfile_'))).to.deep.equal([]);
  });

  it('runs a custom execute_command', async () => {
    const { ui, error } = await provision({
      inline: ['echo "in script: $X"'],
      environment_vars: ['X=1'],
      execute_command: "echo 'wrapped {{ build_name }}'; {{ .Vars }} sh {{ .Path }}",
    });
    expect(error).to.equal(undefined);
    expect(ui.lines.filter((l) => !l.startsWith('Provisioning'))).to.deep.equal([
      'wrapped web',
      'in script: 1',
    ]);
  });
}
