import type { Static, TObject } from '@sinclair/typebox';
import type { RenderConfig } from '../config/decode.js';
import type { PackerCommon } from '../config/packer-common.js';
import { keys } from '../engine/keys.js';
import { silentLogger, type Logger } from '../engine/logger.js';
import { createRunner, type Outcome, type RunnerOptions } from '../engine/runner.js';
import { StateBag, stateKey, type StateKey } from '../engine/state.js';
import type { Step } from '../engine/step.js';
import { asError, describeError, SdkError } from '../errors/index.js';
import { createArtifact, isArtifact, type Artifact, type ArtifactData } from '../packer/artifact.js';
import type { Builder } from '../packer/components.js';
import type { Hook } from '../packer/hook.js';
import type { Ui } from '../packer/ui.js';
import { applyBuildPolicies } from './build-policies.js';
import { maskingLogger } from './masking-logger.js';
import { maskingUi } from './masking-ui.js';
import { prepareConfig, type ValidateHook } from './prepare-config.js';

/** Packer's common keys for this build, in state for steps that need them (e.g. `force`). */
export const packerCommonKey: StateKey<PackerCommon> = stateKey<PackerCommon>('packer_common');

export interface BuilderRunContext<T> {
  readonly config: T;
  readonly common: PackerCommon;
  readonly ui: Ui;
  readonly hook: Hook;
  /** The plugin's logger (stderr; Packer shows it with PACKER_LOG=1). Steps get `ctx.log`. */
  readonly log: Logger;
}

export interface BuilderDefinition<S extends TObject> {
  /** Goes into every artifact's BuilderId, e.g. `acme.rootfs`; post-processors match on it. */
  readonly id: string;
  readonly schema: S;
  /** Names this builder publishes as generated data (`build.<Name>`); values go under `keys.generatedData`. */
  readonly generatedData?: readonly string[];
  /** Checks beyond the schema (cross-field rules); return problems with field paths, and warnings. */
  readonly validate?: ValidateHook<Static<S>>;
  /** The steps of one build. */
  steps(ctx: BuilderRunContext<Static<S>>): readonly Step[];
  /** The artifact from the final state; undefined for none. Default: no artifact. */
  artifact?(
    state: StateBag,
    ctx: BuilderRunContext<Static<S>>,
  ): ArtifactData | Artifact | undefined | Promise<ArtifactData | Artifact | undefined>;
  /** Seeds state before the run (besides ui, hook, config, common, debug). */
  initialState?(state: StateBag, ctx: BuilderRunContext<Static<S>>): void;
  readonly render?: RenderConfig;
  readonly runner?: Pick<RunnerOptions, 'clock' | 'inspect'>;
}

/** The decoded config, in state for every step. */
export const builderConfigKey = stateKey<unknown>('builder_config');

/** A builder from defineBuilder: Packer's contract, plus its step list for a config (step graphs). */
export interface StepListingBuilder extends Builder {
  /**
   * The runner name and steps a build with these config maps would run; decodes and
   * validates them as Prepare does (same errors) and runs nothing.
   */
  stepsFor(raws: readonly unknown[]): Promise<{ readonly name: string; readonly steps: readonly Step[] }>;
}

// What step factories get when steps are only listed: nothing they say goes anywhere.
const listingUi: Ui = {
  say: async () => undefined,
  message: async () => undefined,
  error: async () => undefined,
  ask: async () => '',
  machine: async () => undefined,
  trackProgress: async () => ({ add: () => undefined, close: async () => undefined }),
};
const listingHook: Hook = { run: async () => undefined };

/**
 * A builder from a schema and a list of steps: Prepare decodes and validates the config
 * (every problem at once), Run executes the steps on the engine with Packer's `-debug` and
 * `-on-error` policies applied, cleans up in reverse, and returns the artifact.
 *
 * @example
 * export const builder = defineBuilder({
 *   id: 'acme.hello',
 *   schema: Type.Object({ greeting: Type.String({ default: 'hello' }) }),
 *   steps: ({ config }) => [sayStep(config.greeting)],
 *   artifact: () => ({ builderId: 'acme.hello', id: 'hello' }),
 * });
 */
export function defineBuilder<S extends TObject>(definition: BuilderDefinition<S>): () => StepListingBuilder {
  return () => {
    let prepared: Awaited<ReturnType<typeof prepareConfig<S>>> | undefined;
    return {
      configSchema: definition.schema,
      async prepare(raws) {
        prepared = await prepareConfig(definition.schema, raws, definition.validate, definition.render);
        return { generatedVars: [...(definition.generatedData ?? [])], warnings: prepared.warnings };
      },
      async stepsFor(raws) {
        const { config, common } = await prepareConfig(
          definition.schema,
          raws,
          definition.validate,
          definition.render,
        );
        const ctx = { config, common, ui: listingUi, hook: listingHook, log: silentLogger };
        return { name: common.buildName ?? definition.id, steps: definition.steps(ctx) };
      },
      async run(rawUi, hook, signal, extras = {}) {
        if (!prepared)
          throw new SdkError('PKR_ERR_CONFIG_INVALID', 'Run was called before a successful Prepare');
        const { config, common, secrets } = prepared;
        const { observer } = extras;
        const log = maskingLogger(extras.log ?? silentLogger, secrets);
        // The observer sits inside the masking: it sees what core sees, never a secret.
        const ui = maskingUi(observer ? observer.wrapUi(rawUi) : rawUi, secrets);
        const ctx: BuilderRunContext<Static<S>> = { config, common, ui, hook, log };
        const state = new StateBag([
          [keys.ui, ui],
          [keys.hook, hook],
          [keys.debug, common.debug],
          [builderConfigKey, config],
          [packerCommonKey, common],
        ]);
        definition.initialState?.(state, ctx);
        const policed = applyBuildPolicies(definition.steps(ctx), common, ui, hook);
        const steps = observer ? observer.wrapSteps(policed) : policed;
        const runner = createRunner(steps, {
          name: common.buildName ?? definition.id,
          logger: log,
          ...definition.runner,
        });
        // An observer (the build-control service) may cancel the build too.
        const cancel = new AbortController();
        const detach = observer?.attach({
          runner,
          state,
          secrets,
          cancel: (reason) =>
            cancel.abort(new SdkError('PKR_ERR_CANCELLED', `the build was cancelled (${reason})`)),
        });
        let outcome;
        try {
          outcome = await runner.run(state, { signal: AbortSignal.any([signal, cancel.signal]) });
        } finally {
          await detach?.();
        }
        await reportCleanupErrors(outcome, ui);
        throwUnlessDone(outcome);
        const made = await definition.artifact?.(state, ctx);
        if (made === undefined || isArtifact(made)) return made;
        const generated = state.get(keys.generatedData);
        return createArtifact({
          ...made,
          state: { ...(generated ? { generated_data: generated } : {}), ...made.state },
        });
      },
    };
  };
}

async function reportCleanupErrors(outcome: Outcome, ui: Ui): Promise<void> {
  for (const { path, error } of outcome.cleanupErrors) {
    await ui.error(`Error cleaning up ${path.join('/')}: ${describeError(error)}`);
  }
}

/** Turns a non-successful outcome into the error `Builder.Run` reports (Go SDK wording). */
export function throwUnlessDone(outcome: Outcome): void {
  switch (outcome.status) {
    case 'done':
      return;
    case 'failed':
      throw asError(outcome.error);
    case 'cancelled':
      // The Go SDK's wording; the reason (Cancel, a dropped connection) is in the plugin's log.
      throw new SdkError('PKR_ERR_CANCELLED', 'Build was cancelled.');
    case 'halted':
      if (outcome.error !== undefined) throw asError(outcome.error);
      throw new SdkError(
        'PKR_ERR_BUILD_FAILED',
        `Build was halted at step "${outcome.failedStep?.join('/') ?? '?'}".`,
      );
  }
}
