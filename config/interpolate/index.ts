/**
 * Packer template interpolation: the Go text/template subset Packer uses inside plugin
 * configuration (`"vm-{{ timestamp }}"`, `"{{ user `x` }}"`, boot commands with
 * `{{ .HTTPIP }}`), with Packer's functions. See docs/interpolation.md.
 */
export { parseTemplate, render, renderValue, validateTemplate } from './render.js';
export type { RenderOptions, RenderValueOptions } from './render.js';
export type { InterpolationContext } from './context.js';
export type { TemplateFunction, TemplateParam } from './functions.js';
export type { MissingKey } from './evaluator.js';
export { printTemplate, type ParsedTemplate } from './ast.js';
export { BUILD_PLACEHOLDER_MESSAGE, buildPlaceholderData, cleanResourceName } from './packer-functions.js';
export { formatGoTime, goLayouts, UTC, type GoInstant, type GoTimeZone } from './go-time.js';
