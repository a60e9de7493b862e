import { SdkError } from '../errors/index.js';
import type { EventSink, RunStatus, StepPath } from './events.js';
import type { Logger } from './logger.js';
import type { State } from './state.js';

export type StepResult = 'continue' | 'halt';

/** What the runner gives a step's `run`. */
export interface StepContext {
  /** Fires when the build is cancelled; long operations must honour it. */
  readonly signal: AbortSignal;
  /** The runner's event sink (notes, pauses), stamped with this step's path. */
  readonly events: EventSink;
  /** This step's path, outermost sequence first. */
  readonly path: StepPath;
  /** The plugin's logger, tagged with this step's path (silent unless the runner got one). */
  readonly log: Logger;
}

/** What the runner gives a step's `cleanup`. */
export interface CleanupContext {
  /** How the run ended; e.g. an output-directory step keeps its files only on 'done'. */
  readonly status: RunStatus;
  /** The failure that ended the run, when status is 'failed' or 'cancelled'. */
  readonly error?: unknown;
  readonly events: EventSink;
  readonly path: StepPath;
  readonly log: Logger;
}

/**
 * One unit of a build. `cleanup` runs, in reverse order, for every step whose `run` started,
 * whatever the outcome; steps never reached get no cleanup.
 *
 * @example
 * const createVm: Step = {
 *   name: 'create-vm',
 *   async run(state, { signal }) {
 *     state.put(vmId, await cloud.create({ signal }));
 *     return 'continue';
 *   },
 *   async cleanup(state) {
 *     const id = state.get(vmId);
 *     if (id) await cloud.destroy(id);
 *   },
 * };
 */
export interface Step {
  readonly name: string;
  /**
   * Declared async-only because TypeScript keeps `return 'continue'` a literal only for a
   * plain Promise return type; a synchronous value is tolerated at run time all the same.
   */
  run(state: State, ctx: StepContext): Promise<StepResult>;
  cleanup?(state: State, ctx: CleanupContext): Promise<void> | void;
}

const FORBIDDEN_NAME = /[.#/]/;

/** True when `value` has the shape of a Step. */
export function isStep(value: unknown): value is Step {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { name?: unknown; run?: unknown; cleanup?: unknown };
  return (
    typeof v.name === 'string' &&
    typeof v.run === 'function' &&
    (v.cleanup === undefined || typeof v.cleanup === 'function')
  );
}

/**
 * Checks a step list the way the runner needs it: steps only, usable and unique names.
 * Throws the first problem as a coded error naming the step.
 */
export function validateSteps(steps: readonly unknown[], where: string): asserts steps is readonly Step[] {
  if (!Array.isArray(steps)) {
    throw new SdkError('PKR_ERR_STEP_INVALID', `${where}: expected an array of steps, got ${typeof steps}`);
  }
  const seen = new Set<string>();
  steps.forEach((step: unknown, index) => {
    if (!isStep(step)) {
      const label = describeValue(step);
      throw new SdkError('PKR_ERR_STEP_INVALID', `${where}: item ${index} (${label}) is not a step`, {
        details: { index },
      });
    }
    if (step.name.trim() === '' || step.name !== step.name.trim() || FORBIDDEN_NAME.test(step.name)) {
      throw new SdkError(
        'PKR_ERR_STEP_NAME',
        `${where}: step ${index} has an unusable name ${JSON.stringify(step.name)}`,
        {
          details: { index, name: step.name },
        },
      );
    }
    if (seen.has(step.name)) {
      throw new SdkError('PKR_ERR_STEP_DUPLICATE', `${where}: two steps are named "${step.name}"`, {
        details: { index, name: step.name },
      });
    }
    seen.add(step.name);
  });
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const name = (value as { name?: unknown }).name;
  return typeof name === 'string' ? `"${name}" without a run function` : 'an object without name/run';
}
