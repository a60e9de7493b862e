/**
 * What a template is rendered against: the data behind `{{ .Field }}` and everything Packer's
 * own functions read (`build_name`, `user`, `isotime` …). Mirrors the Go SDK's
 * `interpolate.Context`, with time and randomness injectable so renders are reproducible.
 */
import type { TemplateFunction } from './functions.js';

/** The time Go's SDK calls `InitTime`: when this module was first loaded, shared by every render. */
export const processStartTime: Date = new Date();

export interface InterpolationContext {
  /**
   * Dot: `{{ .HTTPIP }}` reads `data.HTTPIP`. Plain objects and Maps act as Go maps (a missing
   * key prints `<no value>`); class instances act as Go structs (a missing field is an error).
   * The `build` function also looks its keys up here.
   */
  readonly data?: unknown;
  /** Returned by `build_name`; the function fails when this is unset or empty. */
  readonly buildName?: string;
  /** Returned by `build_type`; the function fails when this is unset or empty. */
  readonly buildType?: string;
  /** What `user` reads. Packer sends them in the `packer_user_variables` config key. */
  readonly userVariables?: Readonly<Record<string, string>>;
  /** Path of the template file; `template_dir` returns its absolute directory. */
  readonly templatePath?: string;
  /** Returned by `packer_version`. */
  readonly packerVersion?: string;
  /**
   * The build's start time, read by `timestamp`, `isotime` and `strftime` so every field of a
   * build agrees. Defaults to {@link processStartTime}, as Go's SDK does.
   */
  readonly now?: Date;
  /**
   * Whether `env` may read the environment. Packer allows it only while rendering the
   * variables section, so plugins leave it unset and `env` fails. `true` reads
   * `process.env`; a record is read instead of the environment.
   */
  readonly env?: boolean | Readonly<Record<string, string | undefined>>;
  /** Source of `uuid` values; defaults to Packer's time-ordered random UUIDs. */
  readonly uuid?: () => string;
  /** Directory returned by `pwd`; defaults to `process.cwd()`. */
  readonly workingDirectory?: string;
  /**
   * Extra functions, such as a builder's own `clean_resource_name`. They replace standard
   * functions of the same name.
   */
  readonly functions?: Readonly<Record<string, TemplateFunction>>;
}
