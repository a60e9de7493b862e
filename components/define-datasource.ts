import type { Static, TObject } from '@sinclair/typebox';
import type { RenderConfig } from '../config/decode.js';
import type { PackerCommon } from '../config/packer-common.js';
import { validateAgainst } from '../config/validate.js';
import { formatProblems } from '../config/problem.js';
import { SdkError } from '../errors/index.js';
import type { Datasource } from '../packer/components.js';
import { prepareConfig, type ValidateHook } from './prepare-config.js';

export interface ExecuteContext<T> {
  readonly config: T;
  readonly common: PackerCommon;
  readonly signal: AbortSignal;
}

export interface DatasourceDefinition<S extends TObject, O extends TObject> {
  readonly schema: S;
  /** The shape of the result (`data.<type>.<name>.<attr>` in HCL2). */
  readonly output: O;
  readonly validate?: ValidateHook<Static<S>>;
  execute(ctx: ExecuteContext<Static<S>>): Promise<Static<O>>;
  readonly render?: RenderConfig;
}

/** A data source (Packer ≥ 1.7) from a config schema, an output schema and `execute`. */
export function defineDatasource<S extends TObject, O extends TObject>(
  definition: DatasourceDefinition<S, O>,
): () => Datasource {
  return () => {
    let prepared: Awaited<ReturnType<typeof prepareConfig<S>>> | undefined;
    return {
      configSchema: definition.schema,
      outputSchema: definition.output,
      async configure(raws) {
        prepared = await prepareConfig(definition.schema, raws, definition.validate, definition.render);
      },
      async execute(signal) {
        if (!prepared)
          throw new SdkError('PKR_ERR_CONFIG_INVALID', 'Execute was called before a successful Configure');
        const output = await definition.execute({ config: prepared.config, common: prepared.common, signal });
        // The result must fit the declared output type, or core's decoding fails obscurely.
        const problems = validateAgainst(definition.output, output);
        if (problems.length > 0) {
          throw new SdkError(
            'PKR_ERR_CONFIG_INVALID',
            `data source output does not match its schema:\n${formatProblems(problems)}`,
            {
              details: { problems },
            },
          );
        }
        return output;
      },
    };
  };
}
