import type { Static, TObject } from '@sinclair/typebox';
import type { Communicator } from '../communicators/communicator.js';
import type { RenderConfig } from '../config/decode.js';
import type { PackerCommon } from '../config/packer-common.js';
import { SdkError } from '../errors/index.js';
import type { Provisioner } from '../packer/components.js';
import type { GeneratedData } from '../packer/hook.js';
import type { Ui } from '../packer/ui.js';
import { maskingUi } from './masking-ui.js';
import { prepareConfig, renderGeneratedData, type ValidateHook } from './prepare-config.js';

export interface ProvisionContext<T> {
  readonly config: T;
  readonly common: PackerCommon;
  readonly ui: Ui;
  readonly communicator: Communicator;
  /** The builder's generated data (`build.*`): Host, Port, User, ID, … and its own keys. */
  readonly generatedData: GeneratedData;
  readonly signal: AbortSignal;
}

export interface ProvisionerDefinition<S extends TObject> {
  readonly schema: S;
  readonly validate?: ValidateHook<Static<S>>;
  provision(ctx: ProvisionContext<Static<S>>): Promise<void>;
  readonly render?: RenderConfig;
}

/**
 * A provisioner from a schema and a `provision` function. In HCL2 templates Packer prepares
 * provisioners twice (first with `build.*` unknown, then with real values); the last
 * successful prepare wins.
 */
export function defineProvisioner<S extends TObject>(
  definition: ProvisionerDefinition<S>,
): () => Provisioner {
  return () => {
    let prepared: Awaited<ReturnType<typeof prepareConfig<S>>> | undefined;
    return {
      configSchema: definition.schema,
      async prepare(raws) {
        prepared = await prepareConfig(definition.schema, raws, definition.validate, definition.render);
      },
      async provision(ui, communicator, generatedData, signal) {
        if (!prepared)
          throw new SdkError('PKR_ERR_CONFIG_INVALID', 'Provision was called before a successful Prepare');
        await definition.provision({
          config: renderGeneratedData(definition.schema, prepared, generatedData),
          common: prepared.common,
          ui: maskingUi(ui, prepared.secrets),
          communicator,
          generatedData,
          signal,
        });
      },
    };
  };
}
