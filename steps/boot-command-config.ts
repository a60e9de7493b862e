import { Type, type Static } from '@sinclair/typebox';
import { parseDurationMs, tryParseDuration } from '../config/duration.js';
import type { ConfigProblem } from '../config/problem.js';
import { Deferred, Duration } from '../config/schema.js';
import { scanBootCommand, type ParseBootCommandOptions } from './boot-command-parse.js';

/** Packer's environment variable for the pause between key events (`PACKER_KEY_INTERVAL`). */
export const PACKER_KEY_INTERVAL_ENV = 'PACKER_KEY_INTERVAL';
/** The Go SDK's default pause between key events. */
export const DEFAULT_KEY_INTERVAL_MS = 100;
/** Packer's default `boot_wait`. */
export const DEFAULT_BOOT_WAIT_MS = 10_000;

/**
 * Packer's boot configuration (the Go SDK's `BootConfig` plus `boot_key_interval` from its
 * `VNCConfig`), to spread into a builder's `Type.Object`. `boot_command` is `Deferred`: its
 * `{{ .HTTPIP }}`, `{{ .HTTPPort }}`, `{{ .Name }}` are rendered by the step that types it.
 */
export const bootCommandConfigProperties = {
  boot_command: Type.Optional(
    Deferred(
      Type.Array(Type.String(), {
        description:
          'Keys to type once the machine booted, e.g. ["<esc><wait>", "linux ks=http://{{ .HTTPIP }}:{{ .HTTPPort }}/ks.cfg<enter>"]. The entries are typed in sequence.',
      }),
    ),
  ),
  boot_wait: Duration({
    default: '10s',
    description:
      'How long to wait after starting the machine before typing boot_command. "0s" means the default (10s); use a negative value such as "-1s" not to wait.',
  }),
  boot_keygroup_interval: Duration({
    default: '0s',
    description: 'Pause after each entry of boot_command (a group of keys) before the next one.',
  }),
  boot_key_interval: Duration({
    default: '0s',
    description: `Pause after each key event. "0s": the ${PACKER_KEY_INTERVAL_ENV} environment variable, else 100ms.`,
  }),
};

export const BootCommandConfigSchema = Type.Object(bootCommandConfigProperties);
export type BootCommandConfig = Static<typeof BootCommandConfigSchema>;

/** The timings of a boot command, in milliseconds, with Packer's defaults applied. */
export interface BootTiming {
  /** Before typing; 0 when `boot_wait` is negative. */
  readonly bootWaitMs: number;
  /** After each boot_command entry but the last. */
  readonly groupIntervalMs: number;
  /** After each key event. */
  readonly keyIntervalMs: number;
}

/**
 * Applies Packer's defaults to the durations: `boot_wait` "0s" is 10 s and a negative one is
 * none; `boot_key_interval` "0s" falls back to `PACKER_KEY_INTERVAL`, then to 100 ms.
 */
export function resolveBootTiming(
  config: Partial<Pick<BootCommandConfig, 'boot_wait' | 'boot_keygroup_interval' | 'boot_key_interval'>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): BootTiming {
  const wait = parseDurationMs(config.boot_wait ?? '10s');
  const group = parseDurationMs(config.boot_keygroup_interval ?? '0s');
  let key = parseDurationMs(config.boot_key_interval ?? '0s');
  if (key <= 0) {
    const fromEnv = tryParseDuration(env[PACKER_KEY_INTERVAL_ENV] ?? '');
    key = fromEnv.ok ? Math.max(0, Number(fromEnv.ns) / 1e6) : DEFAULT_KEY_INTERVAL_MS;
  }
  return {
    bootWaitMs: wait === 0 ? DEFAULT_BOOT_WAIT_MS : Math.max(0, wait),
    groupIntervalMs: Math.max(0, group),
    keyIntervalMs: key,
  };
}

/**
 * Checks `boot_command` at Prepare time, as the Go SDK does, so a typo fails `packer validate`
 * instead of the build: one problem per mistake, `boot_command[i]` with its column. Template
 * actions (`{{ .HTTPIP }}`) are left as they are; they hold no key names. Use it in a
 * component's `validate` hook.
 */
export function validateBootCommand(
  config: Pick<BootCommandConfig, 'boot_command'>,
  options: ParseBootCommandOptions = {},
): ConfigProblem[] {
  if (!config.boot_command || config.boot_command.length === 0) return [];
  return scanBootCommand(config.boot_command, options).problems.map((p) => ({
    path: p.path,
    message: p.message,
  }));
}
