/**
 * Component configuration: declare a schema once (TypeBox) and get the TS type, defaults,
 * validation with field paths, the HCL2 ConfigSpec and Packer's template interpolation.
 * @packageDocumentation
 */
export { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
export { Duration, Deferred, Sensitive, GO_DURATION, type PackerSchemaOptions } from './schema.js';
export { decodeConfig, type DecodeOptions, type DecodeResult, type RenderConfig } from './decode.js';
export { packerRenderer, type PackerRendererOptions } from './render-config.js';
export type { PackerCommon } from './packer-common.js';
export { formatProblems, type ConfigProblem } from './problem.js';
export { schemaToHclSpec, schemaToCtyType } from './hcl-spec.js';
export {
  render,
  renderValue,
  validateTemplate,
  parseTemplate,
  type InterpolationContext,
  type RenderOptions,
  type RenderValueOptions,
  type TemplateFunction,
} from './interpolate/index.js';
