import { formatDurationMs } from '../config/duration.js';
import { renderValue, type InterpolationContext } from '../config/interpolate/index.js';
import { packerCommonKey } from '../components/define-builder.js';
import { abortReason, systemClock, type Clock } from '../engine/clock.js';
import { keys } from '../engine/keys.js';
import type { State } from '../engine/state.js';
import type { Step, StepContext, StepResult } from '../engine/step.js';
import type { Ui } from '../packer/ui.js';
import { resolveBootTiming, type BootCommandConfig, type BootTiming } from './boot-command-config.js';
import type { BootKey } from './boot-command-keys.js';
import { parseBootCommand, type BootAction, type ParseBootCommandOptions } from './boot-command-parse.js';

/**
 * Where typed keys go: a VNC connection, a hypervisor's scancode API, a USB keyboard
 * emulation… Drivers may send at once or queue until `flush`; the step calls `flush` before
 * every `<wait>` and after every boot_command entry, and pauses between keys itself.
 */
export interface BootDriver {
  /** Types the key: down then up, with Shift around characters that need it. */
  sendKey(key: BootKey): Promise<void>;
  /** Holds the key down (`<leftCtrlOn>`, `<aOn>`). */
  keyDown(key: BootKey): Promise<void>;
  /** Releases the key (`<leftCtrlOff>`, `<aOff>`). */
  keyUp(key: BootKey): Promise<void>;
  /** Delivers whatever the driver queued. */
  flush(): Promise<void>;
  /** Releases the driver's connection, if it has one. */
  close?(): Promise<void>;
}

export interface TypeBootCommandOptions {
  readonly driver: BootDriver;
  /** The rendered boot_command entries. */
  readonly command: readonly string[];
  readonly timing: BootTiming;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
  readonly ui?: Ui;
  readonly parse?: ParseBootCommandOptions;
}

/**
 * Types a boot command: waits `bootWaitMs`, then sends each action to the driver, pausing
 * `keyIntervalMs` after every key action and `groupIntervalMs` between entries. Throws
 * `PKR_ERR_BOOT_COMMAND_SYNTAX` before typing anything when the command does not parse.
 */
export async function typeBootCommand(options: TypeBootCommandOptions): Promise<void> {
  const { driver, timing, signal, ui } = options;
  const clock = options.clock ?? systemClock;
  const actions = parseBootCommand(options.command, options.parse);
  const check = (): void => {
    if (signal?.aborted) throw abortReason(signal);
  };
  if (timing.bootWaitMs > 0) {
    await ui?.say(`Waiting ${formatDurationMs(timing.bootWaitMs)} for boot...`);
    await clock.sleep(timing.bootWaitMs, signal);
  }
  await ui?.say('Typing the boot command...');
  const groups = groupByEntry(actions, options.command.length);
  for (const [index, group] of groups.entries()) {
    for (const action of group) {
      check();
      if (action.type === 'wait') {
        await driver.flush();
        await clock.sleep(action.ms, signal);
        continue;
      }
      await send(driver, action);
      if (timing.keyIntervalMs > 0) await clock.sleep(timing.keyIntervalMs, signal);
    }
    check();
    await driver.flush();
    if (index < groups.length - 1 && timing.groupIntervalMs > 0) {
      await clock.sleep(timing.groupIntervalMs, signal);
    }
  }
}

function send(driver: BootDriver, action: Exclude<BootAction, { type: 'wait' }>): Promise<void> {
  switch (action.type) {
    case 'press':
      return driver.sendKey(action.key);
    case 'down':
      return driver.keyDown(action.key);
    case 'up':
      return driver.keyUp(action.key);
  }
}

/** One list of actions per boot_command entry (empty entries keep their place). */
function groupByEntry(actions: readonly BootAction[], entries: number): BootAction[][] {
  const groups: BootAction[][] = Array.from({ length: Math.max(entries, 1) }, () => []);
  for (const action of actions) groups[action.at.entry]!.push(action);
  return groups;
}

/** Makes the driver once the machine runs (e.g. connects to its VNC port). */
export type BootDriverFactory = (state: State, signal: AbortSignal) => BootDriver | Promise<BootDriver>;

export interface StepTypeBootCommandOptions {
  /** A driver, or a factory the step calls when it runs; a driver it made is closed afterwards. */
  readonly driver: BootDriver | BootDriverFactory;
  /** The builder's `boot_command`, `boot_wait`, `boot_keygroup_interval`, `boot_key_interval`. */
  readonly config: Partial<BootCommandConfig>;
  /** `{{ .Name }}`: the machine's name. */
  readonly vmName?: string | ((state: State) => string);
  /** More template data (`{{ .Foo }}`) from the state. */
  readonly data?: (state: State) => Record<string, unknown>;
  /** Extra template functions (e.g. a builder's own `clean_resource_name`). */
  readonly functions?: InterpolationContext['functions'];
  readonly clock?: Clock;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly parse?: ParseBootCommandOptions;
  /** Step name; default "type-boot-command". */
  readonly name?: string;
}

/**
 * Types `boot_command` into the machine after `boot_wait`. The entries are rendered here with
 * `{{ .HTTPIP }}` / `{{ .HTTPPort }}` from the state (`keys.httpIp`, `keys.httpPort`),
 * `{{ .Name }}`, the builder's data, and Packer's functions with the build's name, type and
 * user variables. Skipped (continue) when `boot_command` is empty.
 *
 * @example
 * stepTypeBootCommand({
 *   config,
 *   vmName: config.vm_name,
 *   driver: (state) => createVncDriver({ host: '127.0.0.1', port: state.require(vncPort) }),
 * })
 */
export function stepTypeBootCommand(options: StepTypeBootCommandOptions): Step {
  return {
    name: options.name ?? 'type-boot-command',
    async run(state: State, ctx: StepContext): Promise<StepResult> {
      const entries = options.config.boot_command ?? [];
      if (entries.length === 0) return 'continue';
      const ui = state.require(keys.ui);
      const command = renderBootCommand(entries, state, options);
      // Parse before waiting or connecting, so a mistake fails at once.
      parseBootCommand(command, options.parse);
      const timing = resolveBootTiming(options.config, options.env);
      const made = typeof options.driver === 'function';
      const driver =
        typeof options.driver === 'function' ? await options.driver(state, ctx.signal) : options.driver;
      try {
        await typeBootCommand({
          driver,
          command,
          timing,
          ui,
          signal: ctx.signal,
          ...(options.clock ? { clock: options.clock } : {}),
          ...(options.parse ? { parse: options.parse } : {}),
        });
      } finally {
        if (made) await driver.close?.();
      }
      return 'continue';
    },
  };
}

/**
 * Renders boot_command entries with the step's template data; a failing entry throws a
 * `PKR_ERR_TEMPLATE_*` error whose message starts with `boot_command[i]`.
 */
export function renderBootCommand(
  entries: readonly string[],
  state: State,
  options: Pick<StepTypeBootCommandOptions, 'vmName' | 'data' | 'functions'> = {},
): string[] {
  const common = state.get(packerCommonKey);
  const name = typeof options.vmName === 'function' ? options.vmName(state) : (options.vmName ?? '');
  const context: InterpolationContext = {
    ...(common?.buildName ? { buildName: common.buildName } : {}),
    ...(common?.builderType ? { buildType: common.builderType } : {}),
    ...(common?.templatePath ? { templatePath: common.templatePath } : {}),
    userVariables: common?.userVariables ?? {},
    ...(options.functions ? { functions: options.functions } : {}),
    data: {
      HTTPIP: state.get(keys.httpIp) ?? '',
      HTTPPort: state.get(keys.httpPort) ?? 0,
      Name: name,
      ...options.data?.(state),
    },
  };
  return renderValue([...entries], context, { path: 'boot_command' });
}
