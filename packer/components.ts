import type { TObject } from '@sinclair/typebox';
import type { Communicator } from '../communicators/communicator.js';
import type { Artifact } from './artifact.js';
import type { RunExtras } from './build-observer.js';
import type { GeneratedData, Hook } from './hook.js';
import type { Ui } from './ui.js';

/**
 * The four component contracts Packer drives, free of wire details. Each has exactly one
 * RPC server adapter in `rpc/services/`. `raws` are the config maps core sends, in order;
 * `prepare`/`configure` throw an SdkError `PKR_ERR_CONFIG_INVALID` listing every problem.
 * Most authors do not implement these directly: `defineBuilder` and friends build them from
 * a schema and steps.
 */

/** Every component declares its config schema; the HCL2 ConfigSpec is derived from it. */
export interface Configurable {
  readonly configSchema: TObject;
}

export interface BuilderPrepareResult {
  /** Names of the values `run` will publish as generated data (`build.<Name>`). */
  readonly generatedVars: readonly string[];
  readonly warnings: readonly string[];
}

export interface Builder extends Configurable {
  prepare(raws: readonly unknown[]): Promise<BuilderPrepareResult>;
  /** Runs the build; resolves with the artifact, or undefined when there is none. */
  run(ui: Ui, hook: Hook, signal: AbortSignal, extras?: RunExtras): Promise<Artifact | undefined>;
}

export interface Provisioner extends Configurable {
  prepare(raws: readonly unknown[]): Promise<void>;
  provision(
    ui: Ui,
    communicator: Communicator,
    generatedData: GeneratedData,
    signal: AbortSignal,
  ): Promise<void>;
}

export interface PostProcessResult {
  /** The new artifact; undefined stops the post-processor chain. May be the input itself. */
  readonly artifact: Artifact | undefined;
  /** Keep the input artifact unless the user set `keep_input_artifact = false`. */
  readonly keep: boolean;
  /** Keep the input artifact even if the user said not to. */
  readonly forceOverride: boolean;
}

export interface PostProcessor extends Configurable {
  configure(raws: readonly unknown[]): Promise<void>;
  postProcess(ui: Ui, artifact: Artifact, signal: AbortSignal): Promise<PostProcessResult>;
}

export interface Datasource extends Configurable {
  /** Shape of `execute`'s result (Packer asks for it when it only validates). */
  readonly outputSchema: TObject;
  configure(raws: readonly unknown[]): Promise<void>;
  execute(signal: AbortSignal): Promise<Record<string, unknown>>;
}

export interface ComponentsByKind {
  builder: Builder;
  provisioner: Provisioner;
  'post-processor': PostProcessor;
  datasource: Datasource;
}
