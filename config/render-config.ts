import type { TSchema } from '@sinclair/typebox';
import { isSdkError } from '../errors/index.js';
import type { RenderConfig } from './decode.js';
import { renderValue, type InterpolationContext } from './interpolate/index.js';
import type { ConfigProblem } from './problem.js';
import type { RawMap } from './raw-config.js';

type Node = TSchema & { properties?: Record<string, Node>; 'x-interpolate'?: 'defer' | false };

export interface PackerRendererOptions {
  /** Extra template functions (e.g. a builder's own `clean_resource_name`). */
  functions?: InterpolationContext['functions'];
}

/**
 * Renders `{{ … }}` in every string of a config the way Packer plugins do at Prepare
 * (build_name, user, timestamp, … and, for provisioners, the generated-data placeholders as
 * `.Host` etc.). Fields marked `x-interpolate: 'defer'` are only syntax-checked, fields
 * marked `false` are left alone. Every failing field becomes one problem.
 */
export function packerRenderer(options: PackerRendererOptions = {}): RenderConfig {
  return (value, { common, schema, data }) => {
    const context: InterpolationContext = {
      ...(common.buildName ? { buildName: common.buildName } : {}),
      ...(common.builderType ? { buildType: common.builderType } : {}),
      ...(common.templatePath ? { templatePath: common.templatePath } : {}),
      ...(common.coreVersion ? { packerVersion: common.coreVersion } : {}),
      userVariables: common.userVariables,
      ...(data ? { data } : {}),
      ...(options.functions ? { functions: options.functions } : {}),
    };
    const problems: ConfigProblem[] = [];
    const out = renderObject(schema, value, '', context, problems);
    return { value: out, problems };
  };
}

function renderObject(
  schema: Node | undefined,
  value: RawMap,
  path: string,
  context: InterpolationContext,
  problems: ConfigProblem[],
): RawMap {
  const out: RawMap = {};
  for (const [key, child] of Object.entries(value)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    const node = schema?.properties?.[key];
    const mode = node?.['x-interpolate'];
    if (mode === false) {
      out[key] = child;
      continue;
    }
    if (node?.properties && isMap(child) && mode !== 'defer') {
      out[key] = renderObject(node, child, childPath, context, problems);
      continue;
    }
    try {
      out[key] = renderValue(child, context, {
        path: childPath,
        ...(mode === 'defer' ? { skip: () => true } : {}),
      });
    } catch (err) {
      if (!isSdkError(err)) throw err;
      const where = typeof err.details.path === 'string' ? err.details.path : childPath;
      problems.push({
        path: where,
        message: err.message.startsWith(`${where}: `) ? err.message.slice(where.length + 2) : err.message,
      });
      out[key] = child;
    }
  }
  return out;
}

function isMap(value: unknown): value is RawMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
