import type { Static, TObject } from '@sinclair/typebox';
import type { RenderConfig } from '../config/decode.js';
import type { PackerCommon } from '../config/packer-common.js';
import { SdkError } from '../errors/index.js';
import { createArtifact, isArtifact, type Artifact, type ArtifactData } from '../packer/artifact.js';
import type { PostProcessor, PostProcessResult } from '../packer/components.js';
import type { Ui } from '../packer/ui.js';
import { maskingUi } from './masking-ui.js';
import { prepareConfig, renderGeneratedData, type ValidateHook } from './prepare-config.js';

export interface PostProcessContext<T> {
  readonly config: T;
  readonly common: PackerCommon;
  readonly ui: Ui;
  /** The artifact of the builder (or the previous post-processor). */
  readonly artifact: Artifact;
  readonly signal: AbortSignal;
}

export interface PostProcessOutput {
  /** The new artifact (plain data or an Artifact, possibly the input); undefined ends the chain. */
  readonly artifact: ArtifactData | Artifact | undefined;
  /** Keep the input unless the user set keep_input_artifact = false (default false). */
  readonly keep?: boolean;
  /** Keep the input even if the user said not to (default false). */
  readonly forceOverride?: boolean;
}

export interface PostProcessorDefinition<S extends TObject> {
  readonly schema: S;
  readonly validate?: ValidateHook<Static<S>>;
  postProcess(ctx: PostProcessContext<Static<S>>): Promise<PostProcessOutput>;
  readonly render?: RenderConfig;
}

/** A post-processor from a schema and a `postProcess` function. */
export function definePostProcessor<S extends TObject>(
  definition: PostProcessorDefinition<S>,
): () => PostProcessor {
  return () => {
    let prepared: Awaited<ReturnType<typeof prepareConfig<S>>> | undefined;
    return {
      configSchema: definition.schema,
      async configure(raws) {
        prepared = await prepareConfig(definition.schema, raws, definition.validate, definition.render);
      },
      async postProcess(ui, artifact, signal): Promise<PostProcessResult> {
        if (!prepared)
          throw new SdkError(
            'PKR_ERR_CONFIG_INVALID',
            'PostProcess was called before a successful Configure',
          );
        const generated = await artifact.state('generated_data');
        const data = generated && typeof generated === 'object' ? (generated as Record<string, unknown>) : {};
        const out = await definition.postProcess({
          config: renderGeneratedData(definition.schema, prepared, data),
          common: prepared.common,
          ui: maskingUi(ui, prepared.secrets),
          artifact,
          signal,
        });
        const made = out.artifact;
        return {
          artifact: made === undefined || isArtifact(made) ? made : createArtifact(made),
          keep: out.keep ?? false,
          forceOverride: out.forceOverride ?? false,
        };
      },
    };
  };
}
