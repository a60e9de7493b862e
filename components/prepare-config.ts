import type { Static, TObject } from '@sinclair/typebox';
import { decodeConfig, type RenderConfig } from '../config/decode.js';
import type { PackerCommon } from '../config/packer-common.js';
import { formatProblems, type ConfigProblem } from '../config/problem.js';
import { packerRenderer } from '../config/render-config.js';
import { SdkError } from '../errors/index.js';

const defaultRenderer = packerRenderer();

/** What a component's own `validate` hook gets besides the decoded config. */
export interface PrepareContext {
  readonly common: PackerCommon;
}

/** A component's extra checks, after the schema passed: more problems, and warnings. */
export type ValidateResult =
  readonly ConfigProblem[] | { problems?: readonly ConfigProblem[]; warnings?: readonly string[] } | void;

/** A component's own checks; may be async (e.g. reading a key file the config names). */
export type ValidateHook<T> = (config: T, ctx: PrepareContext) => ValidateResult | Promise<ValidateResult>;

export interface PreparedConfig<T> {
  readonly config: T;
  /** Renders the config again with the build's generated data (see `renderGeneratedData`). */
  readonly render: RenderConfig;
  readonly common: PackerCommon;
  readonly warnings: readonly string[];
  /** Secrets to mask: x-sensitive fields and Packer's sensitive variables. */
  readonly secrets: readonly string[];
}

/**
 * Decodes and validates a component's raw configs; throws `PKR_ERR_CONFIG_INVALID` listing
 * every problem (schema problems first, then the component's own), formatted like Packer's
 * multi-errors so `packer validate` shows one line per field.
 */
export async function prepareConfig<S extends TObject>(
  schema: S,
  raws: readonly unknown[],
  validate: ValidateHook<Static<S>> | undefined,
  render: RenderConfig | undefined,
): Promise<PreparedConfig<Static<S>>> {
  const renderer = render ?? defaultRenderer;
  const decoded = decodeConfig(schema, raws, { render: renderer });
  const problems = [...decoded.problems];
  const warnings = [...decoded.warnings];
  if (problems.length === 0 && validate) {
    const extra = await validate(decoded.config, { common: decoded.common });
    if (Array.isArray(extra)) problems.push(...(extra as readonly ConfigProblem[]));
    else if (extra && typeof extra === 'object') {
      const result = extra as { problems?: readonly ConfigProblem[]; warnings?: readonly string[] };
      problems.push(...(result.problems ?? []));
      warnings.push(...(result.warnings ?? []));
    }
  }
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 error occurred' : `${problems.length} errors occurred`;
    throw new SdkError('PKR_ERR_CONFIG_INVALID', `${count}:\n${formatProblems(problems)}`, {
      details: { problems },
    });
  }
  return {
    config: decoded.config,
    render: renderer,
    common: decoded.common,
    warnings,
    secrets: [...decoded.secrets, ...decoded.common.sensitiveVariables],
  };
}

/**
 * The second template pass Go provisioners and post-processors make: in JSON templates
 * `{{ build \`Host\` }}` renders to `{{.Host}}` at Prepare (the value is not known yet) and is
 * rendered again once the builder's generated data is there. Strings without `{{` are left as
 * they are.
 */
export function renderGeneratedData<S extends TObject>(
  schema: S,
  prepared: PreparedConfig<Static<S>>,
  data: Readonly<Record<string, unknown>>,
): Static<S> {
  if (!JSON.stringify(prepared.config).includes('{{')) return prepared.config;
  const { value, problems } = prepared.render(prepared.config, {
    common: prepared.common,
    schema,
    data: { ...data },
  });
  if (problems.length > 0) {
    throw new SdkError(
      'PKR_ERR_CONFIG_INVALID',
      `rendering with the build's generated data failed:\n${formatProblems(problems)}`,
      { details: { problems } },
    );
  }
  return value;
}
