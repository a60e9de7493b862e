import { toDot, toMachineJson, toMermaid } from '../engine/graph.js';
import { childSteps } from '../engine/machine.js';
import type { Runner } from '../engine/runner.js';
import type { Step } from '../engine/step.js';
import type { StepGraphMessage } from './control-messages.js';

/** A runner, or a named step list (what `stepsFor` returns). */
export type GraphInput = Runner | { readonly name: string; readonly steps: readonly Step[] };

/**
 * The step graph in every form the control service and the graph command hand out: the
 * step paths in run order (a composite's children right after it), the xstate machine
 * config as JSON, Mermaid and DOT — all generated from the same config the runner executes.
 */
export function stepGraph(input: GraphInput): StepGraphMessage {
  const { name, steps } = input;
  const source = 'machineConfig' in input ? input : steps;
  return {
    name,
    steps: stepPaths(steps),
    machineJson: JSON.stringify(toMachineJson(source, name), null, 2),
    mermaid: toMermaid(source, name),
    dot: toDot(source, name),
  };
}

/** Every step path, '/'-joined, depth first in run order. */
export function stepPaths(steps: readonly Step[], prefix: readonly string[] = []): string[] {
  return steps.flatMap((step) => {
    const path = [...prefix, step.name];
    const children = childSteps(step);
    return [path.join('/'), ...(children ? stepPaths(children, path) : [])];
  });
}
