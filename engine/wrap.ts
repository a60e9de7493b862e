import { childSteps } from './machine.js';
import type { CleanupContext, Step } from './step.js';
import type { State } from './state.js';

/**
 * Builds a policy wrapper around `inner`: same name, the given `run`, and — only when the
 * inner step has a cleanup — `cleanup` (default: the inner cleanup). A sequence's children
 * stay visible so graph exports still show them.
 */
export function wrapStep(
  inner: Step,
  run: Step['run'],
  cleanup?: (state: State, ctx: CleanupContext, innerCleanup: NonNullable<Step['cleanup']>) => Promise<void>,
): Step {
  const wrapped: Step = { name: inner.name, run };
  if (inner.cleanup) {
    const innerCleanup = inner.cleanup.bind(inner);
    wrapped.cleanup = cleanup ? (state, ctx) => cleanup(state, ctx, innerCleanup) : innerCleanup;
  }
  const children = childSteps(inner);
  if (children) Object.defineProperty(wrapped, 'steps', { value: children, enumerable: true });
  return wrapped;
}
