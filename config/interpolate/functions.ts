/**
 * The shape of a template function. Go checks a FuncMap function's parameter types when it is
 * called (`expected string; found 5`, `wrong type for value; expected int; got string`), so a
 * function here declares its parameter types too.
 */

/**
 * A parameter type: `string`, `int` (passed as a JS `number`), `float` (a `number`), `bool`, or
 * `any` (the value as is; integers arrive as `number`, absent values as `undefined`).
 */
export type TemplateParam = 'string' | 'int' | 'float' | 'bool' | 'any';

/**
 * A function callable from templates, e.g. a builder's own `clean_resource_name`.
 *
 * @example
 * const shout: TemplateFunction = { params: ['string'], call: (s: string) => `${s.toUpperCase()}!` };
 */
export interface TemplateFunction {
  /** Types of the fixed parameters, in order. */
  readonly params: readonly TemplateParam[];
  /** When set, any number of further arguments of this type may follow. */
  readonly variadic?: TemplateParam;
  /**
   * Computes the result. Throwing fails the render with Go's wording:
   * `error calling NAME: MESSAGE`. Return a string, number, boolean, array or object.
   */
  call(...args: never[]): unknown;
}

/**
 * How the evaluator sees a function. Builtins take evaluator values as they are (`bigint` for
 * ints); host functions get plain JS values.
 */
export interface EvaluatorFunction {
  readonly params: readonly TemplateParam[];
  readonly variadic?: TemplateParam | undefined;
  readonly call: (...args: unknown[]) => unknown;
  /** True when `call` takes evaluator values; false for host (plugin-provided) functions. */
  readonly raw: boolean;
  /** `and` and `or` evaluate their arguments lazily (Go 1.18+). */
  readonly shortCircuit?: 'and' | 'or';
}

/** Go's `goodName`: a function name must be an identifier. */
export function isValidFunctionName(name: string): boolean {
  return /^[\p{L}_][\p{L}\p{Nd}_]*$/u.test(name);
}

/** Wraps a plugin-provided function for the evaluator. */
export function hostFunction(fn: TemplateFunction): EvaluatorFunction {
  const call = fn.call.bind(fn) as (...args: unknown[]) => unknown;
  return { params: fn.params, variadic: fn.variadic, call, raw: false };
}
