/**
 * Authoring helpers: turn a config schema plus steps (or a function) into a Packer component.
 * @packageDocumentation
 */
export {
  defineBuilder,
  builderConfigKey,
  packerCommonKey,
  throwUnlessDone,
  type BuilderDefinition,
  type BuilderRunContext,
  type StepListingBuilder,
} from './define-builder.js';
export {
  defineProvisioner,
  type ProvisionerDefinition,
  type ProvisionContext,
} from './define-provisioner.js';
export {
  definePostProcessor,
  type PostProcessorDefinition,
  type PostProcessContext,
  type PostProcessOutput,
} from './define-post-processor.js';
export { defineDatasource, type DatasourceDefinition, type ExecuteContext } from './define-datasource.js';
export { maskingUi, maskSecrets, MASK } from './masking-ui.js';
export { maskingLogger } from './masking-logger.js';
export type { PrepareContext, ValidateHook } from './prepare-config.js';
