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
export type ValidateHook<T> = (
  config: T,
  ctx: PrepareContext,
) => readonly ConfigProblem[] | { problems?: readonly ConfigProblem[]; warnings?: readonly string[] } | void;

export interface PreparedConfig<T> {
  readonly config: T;
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
export function prepareConfig<S extends TObject>(
  schema: S,
  raws: readonly unknown[],
  validate: ValidateHook<Static<S>> | undefined,
  render: RenderConfig | undefined,
): PreparedConfig<Static<S>> {
  const decoded = decodeConfig(schema, raws, { render: render ?? defaultRenderer });
  const problems = [...decoded.problems];
  const warnings = [...decoded.warnings];
  if (problems.length === 0 && validate) {
    const extra = validate(decoded.config, { common: decoded.common });
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
    common: decoded.common,
    warnings,
    secrets: [...decoded.secrets, ...decoded.common.sensitiveVariables],
  };
}
