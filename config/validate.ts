import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { didYouMean } from './did-you-mean.js';
import { formatFieldPath, pointerSegments } from './field-path.js';
import type { ConfigProblem } from './problem.js';
import { GO_DURATION } from './schema.js';

// One compiler for every component schema. coerceTypes: 'array' matches mapstructure's weak
// decoding that Packer plugins rely on ("2222" → 2222, "true" → true, "x" → ["x"]).
// TypeBox builds well-formed schemas, so ajv need not compile the JSON-Schema meta-schema to
// check them, nor optimise generated code: both cost ~60 ms on a plugin's first Prepare, paid
// once per plugin process, i.e. once per component of every build.
const ajv = new Ajv({
  allErrors: true,
  useDefaults: true,
  coerceTypes: 'array',
  strict: false,
  validateSchema: false,
  code: { optimize: false },
});
ajv.addFormat('duration', GO_DURATION);

const compiled = new WeakMap<TSchema, ValidateFunction>();

function validatorFor(schema: TSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

/**
 * Validates `value` in place (defaults filled in, weak types coerced) and returns every
 * problem at once, each with the field path users write.
 */
export function validateAgainst(schema: TSchema, value: unknown): ConfigProblem[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  return toProblems(validate.errors ?? [], schema, value);
}

function toProblems(errors: readonly ErrorObject[], root: TSchema, value: unknown): ConfigProblem[] {
  // A failed anyOf reports each branch too; one line per union is what a user wants.
  const unions = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath);
  const kept = errors.filter(
    (e) => e.keyword === 'anyOf' || !unions.some((u) => e.schemaPath.startsWith(`${u}/`)),
  );
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const error of kept) {
    const problem = toProblem(error, root, value);
    const key = `${problem.path}\u0000${problem.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
  return problems;
}

function toProblem(error: ErrorObject, root: TSchema, value: unknown): ConfigProblem {
  const segments: (string | number)[] = pointerSegments(error.instancePath);
  const actual = valueAt(value, segments);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys(
        (schemaAt(root, error.schemaPath.replace(/\/additionalProperties$/, '')) as { properties?: object })
          .properties ?? {},
      );
      const suggestion = didYouMean(key, known);
      return {
        path: formatFieldPath([...segments, key]),
        message: 'unknown field',
        ...(suggestion ? { suggestion } : {}),
      };
    }
    case 'required':
      return { path: formatFieldPath([...segments, String(params.missingProperty)]), message: 'is required' };
    case 'type':
      return {
        path: formatFieldPath(segments),
        message: `expected ${article(String(params.type))}, got ${describe(actual)}`,
      };
    case 'enum':
      return {
        path: formatFieldPath(segments),
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${describe(actual)}`,
      };
    case 'anyOf': {
      const branches = (schemaAt(root, error.schemaPath) as TSchema[] | undefined) ?? [];
      const consts = branches.map((b) => (b as { const?: unknown }).const);
      const message = consts.every((c) => c !== undefined)
        ? `must be one of ${consts.map((c) => JSON.stringify(c)).join(', ')}, got ${describe(actual)}`
        : `does not match any allowed form, got ${describe(actual)}`;
      return { path: formatFieldPath(segments), message };
    }
    case 'format':
      return {
        path: formatFieldPath(segments),
        message:
          params.format === 'duration'
            ? `expected a duration like "30s", "5m" or "1h30m", got ${describe(actual)}`
            : `must be a valid ${String(params.format)}, got ${describe(actual)}`,
      };
    default:
      return {
        path: formatFieldPath(segments),
        message: `${error.message ?? 'is invalid'}${actual === undefined ? '' : `, got ${describe(actual)}`}`,
      };
  }
}

function valueAt(value: unknown, segments: readonly (string | number)[]): unknown {
  let current = value;
  for (const s of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[s];
  }
  return current;
}

/** Follows an ajv schemaPath (`#/properties/a/items/anyOf`) from the root schema. */
function schemaAt(root: TSchema, schemaPath: string): unknown {
  let current: unknown = root;
  for (const part of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return current;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return `${typeof value} ${value}`;
  return typeof value;
}
