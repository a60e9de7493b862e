import { expect } from 'chai';
import { packerCommonKey } from '../../components/define-builder.js';
import { emptyPackerCommon } from '../../config/packer-common.js';
import type { Clock } from '../../engine/clock.js';
import { keys } from '../../engine/keys.js';
import { isSdkError } from '../../errors/index.js';
import {
  resolveBootTiming,
  validateBootCommand,
  type BootCommandConfig,
} from '../../steps/boot-command-config.js';
import { describeKey, type BootKey } from '../../steps/boot-command-keys.js';
import {
  renderBootCommand,
  stepTypeBootCommand,
  typeBootCommand,
  type BootDriver,
} from '../../steps/boot-command.js';
import { createManualClock, createMockState, MockUi, runStep } from '../../testing/index.js';

/** A driver and a clock writing into one log, so the spec sees keys and pauses in order. */
function recorder(options: { failOn?: string } = {}) {
  const log: string[] = [];
  let closed = 0;
  const manual = createManualClock({ autoAdvance: true });
  const clock: Clock = {
    now: () => manual.now(),
    sleep: (ms, signal) => {
      log.push(`sleep ${ms}`);
      return manual.sleep(ms, signal);
    },
  };
  const act = async (what: string, key: BootKey): Promise<void> => {
    const entry = `${what} ${describeKey(key)}`;
    if (entry === options.failOn) throw new Error(`driver failed on ${entry}`);
    log.push(entry);
  };
  const driver: BootDriver = {
    sendKey: (key) => act('press', key),
    keyDown: (key) => act('down', key),
    keyUp: (key) => act('up', key),
    flush: async () => void log.push('flush'),
    close: async () => void closed++,
  };
  return { log, clock, driver, closed: () => closed };
}

const noPauses = { bootWaitMs: 0, keyIntervalMs: 0, groupIntervalMs: 0 };

describe('steps/boot-command: typing', () => {
  it('sends presses, holds and releases to the driver, flushing before waits and after each entry', async () => {
    const r = recorder();
    await typeBootCommand({
      driver: r.driver,
      command: ['a<leftCtrlOn>c<leftCtrlOff>', '<wait2><enter>'],
      timing: noPauses,
      clock: r.clock,
    });
    expect(r.log).to.deep.equal([
      'press "a"',
      'down <leftCtrl>',
      'press "c"',
      'up <leftCtrl>',
      'flush',
      'flush',
      'sleep 2000',
      'press <enter>',
      'flush',
    ]);
  });

  it('waits boot_wait first, pauses after each key and between entries (not after the last)', async () => {
    const r = recorder();
    const ui = new MockUi();
    await typeBootCommand({
      driver: r.driver,
      command: ['ab', 'c'],
      timing: { bootWaitMs: 10_000, keyIntervalMs: 100, groupIntervalMs: 500 },
      clock: r.clock,
      ui,
    });
    expect(r.log).to.deep.equal([
      'sleep 10000',
      'press "a"',
      'sleep 100',
      'press "b"',
      'sleep 100',
      'flush',
      'sleep 500',
      'press "c"',
      'sleep 100',
      'flush',
    ]);
    expect(ui.lines).to.deep.equal(['Waiting 10s for boot...', 'Typing the boot command...']);
  });

  it('types nothing when the command does not parse', async () => {
    const r = recorder();
    const err = await typeBootCommand({
      driver: r.driver,
      command: ['ok', '<nope>'],
      timing: noPauses,
    }).catch((e: unknown) => e);
    expect(isSdkError(err, 'PKR_ERR_BOOT_COMMAND_SYNTAX')).to.equal(true);
    expect((err as Error).message).to.include('boot_command[1]: column 1: unknown key <nope>');
    expect(r.log).to.deep.equal([]);
  });

  it('stops at once when cancelled during a wait, and types nothing more', async () => {
    const log: string[] = [];
    const clock = createManualClock();
    const controller = new AbortController();
    const driver: BootDriver = {
      sendKey: async (k) => void log.push(describeKey(k)),
      keyDown: async () => undefined,
      keyUp: async () => undefined,
      flush: async () => undefined,
    };
    const typing = typeBootCommand({
      driver,
      command: ['a<wait1m>b'],
      timing: noPauses,
      clock,
      signal: controller.signal,
    });
    while (clock.sleeps.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const err = await typing.catch((e: unknown) => e);
    expect(isSdkError(err, 'PKR_ERR_CANCELLED')).to.equal(true);
    expect(log).to.deep.equal(['"a"']);
  });

  it('passes a driver failure on', async () => {
    const r = recorder({ failOn: 'press "b"' });
    const err = await typeBootCommand({ driver: r.driver, command: ['abc'], timing: noPauses }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).to.equal('driver failed on press "b"');
    expect(r.log).to.deep.equal(['press "a"']);
  });
});

describe('steps/boot-command: timing and validation', () => {
  it('applies Packer’s defaults to the durations', () => {
    expect(resolveBootTiming({}, {})).to.deep.equal({
      bootWaitMs: 10_000,
      groupIntervalMs: 0,
      keyIntervalMs: 100,
    });
    expect(resolveBootTiming({ boot_wait: '0s' }, {}).bootWaitMs).to.equal(10_000);
    expect(resolveBootTiming({ boot_wait: '-1s' }, {}).bootWaitMs).to.equal(0);
    expect(resolveBootTiming({ boot_wait: '1m30s' }, {}).bootWaitMs).to.equal(90_000);
    expect(resolveBootTiming({ boot_keygroup_interval: '2s' }, {}).groupIntervalMs).to.equal(2000);
    expect(resolveBootTiming({}, { PACKER_KEY_INTERVAL: '10ms' }).keyIntervalMs).to.equal(10);
    expect(resolveBootTiming({}, { PACKER_KEY_INTERVAL: 'fast' }).keyIntervalMs).to.equal(100);
    expect(
      resolveBootTiming({ boot_key_interval: '5ms' }, { PACKER_KEY_INTERVAL: '10ms' }).keyIntervalMs,
    ).to.equal(5);
  });

  it('reports boot_command problems at Prepare time with the raw template’s columns', () => {
    const problems = validateBootCommand({
      boot_command: ['<esc><wait>', 'ks=http://{{ .HTTPIP }}:{{ .HTTPPort }}/ks.cfg<entr>', '<wait0>'],
    });
    expect(problems.map((p) => `${p.path}: ${p.message.slice(0, 40)}`)).to.deep.equal([
      'boot_command[1]: column 47: unknown key <entr> (did you m',
      'boot_command[2]: column 1: Expecting a positive wait valu',
    ]);
    expect(validateBootCommand({})).to.deep.equal([]);
  });
});

describe('steps/boot-command: stepTypeBootCommand', () => {
  const config: Partial<BootCommandConfig> = {
    boot_command: [
      '<esc>ks=http://{{ .HTTPIP }}:{{ .HTTPPort }}/',
      '{{ .Name }}-{{ build_name }}-{{ user `suite` }}<enter>',
    ],
    boot_wait: '-1s',
    boot_key_interval: '1ms',
  };

  function state() {
    const common = {
      ...emptyPackerCommon(),
      buildName: 'web',
      builderType: 'qemu',
      userVariables: { suite: 'bookworm' },
    };
    return createMockState([
      [keys.ui, new MockUi()],
      [keys.httpIp, '10.0.2.2'],
      [keys.httpPort, 8080],
      [packerCommonKey, common],
    ]);
  }

  it('renders the entries with the HTTP address, the VM name, build name and user variables', () => {
    expect(renderBootCommand(config.boot_command!, state(), { vmName: 'vm1' })).to.deep.equal([
      '<esc>ks=http://10.0.2.2:8080/',
      'vm1-web-bookworm<enter>',
    ]);
  });

  it('types the rendered command through a driver it makes, and closes that driver', async () => {
    const r = recorder();
    let madeWith: unknown;
    const step = stepTypeBootCommand({
      config,
      vmName: (s) => `vm-${s.require(keys.httpPort)}`,
      driver: (s) => {
        madeWith = s.get(keys.httpIp);
        return r.driver;
      },
      clock: r.clock,
    });
    const run = await runStep(step, { state: state() });
    expect(run.error).to.equal(undefined);
    expect(run.result).to.equal('continue');
    expect(madeWith).to.equal('10.0.2.2');
    const typed = r.log
      .filter((l) => l.startsWith('press'))
      .map((l) => JSON.parse(l.slice(6).replace(/^<(.*)>$/, '"<$1>"')) as string)
      .join('');
    expect(typed).to.equal('<esc>ks=http://10.0.2.2:8080/vm-8080-web-bookworm<enter>');
    expect(r.log.filter((l) => l === 'sleep 1')).to.have.length(typed.length - '<esc><enter>'.length + 2);
    expect(r.closed()).to.equal(1);
  });

  it('does not close a driver it was given', async () => {
    const r = recorder();
    await runStep(stepTypeBootCommand({ config, driver: r.driver, clock: r.clock }), { state: state() });
    expect(r.closed()).to.equal(0);
  });

  it('continues without touching the driver when boot_command is empty', async () => {
    let made = false;
    const step = stepTypeBootCommand({
      config: { boot_command: [] },
      driver: () => {
        made = true;
        return recorder().driver;
      },
    });
    expect((await runStep(step, { state: state() })).result).to.equal('continue');
    expect(made).to.equal(false);
  });

  it('fails before connecting when the rendered command has an unknown key', async () => {
    let made = false;
    const step = stepTypeBootCommand({
      config: { boot_command: ['{{ .Name }}<f13>'] },
      vmName: 'abc',
      driver: () => {
        made = true;
        return recorder().driver;
      },
    });
    const run = await runStep(step, { state: state() });
    expect(isSdkError(run.error, 'PKR_ERR_BOOT_COMMAND_SYNTAX')).to.equal(true);
    expect((run.error as Error).message).to.include('boot_command[0]: column 4: unknown key <f13>');
    expect(made).to.equal(false);
  });

  it('fails with the template error and its entry when rendering fails', async () => {
    const step = stepTypeBootCommand({
      config: { boot_command: ['ok', '{{ nope }}'] },
      driver: recorder().driver,
    });
    const run = await runStep(step, { state: state() });
    expect(isSdkError(run.error, 'PKR_ERR_TEMPLATE_SYNTAX')).to.equal(true);
    expect((run.error as Error).message).to.match(
      /^boot_command\[1\]: template: root:1:3: function "nope" not defined/,
    );
  });

  it('closes the driver it made when typing fails', async () => {
    const r = recorder({ failOn: 'press "k"' });
    const step = stepTypeBootCommand({ config, driver: () => r.driver, clock: r.clock });
    const run = await runStep(step, { state: state() });
    expect((run.error as Error).message).to.equal('driver failed on press "k"');
    expect(r.closed()).to.equal(1);
  });
});
