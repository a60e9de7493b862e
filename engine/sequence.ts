import { SdkError } from '../errors/index.js';
import { Execution } from './execution.js';
import { ENV, NestedFailure, type WithEnv } from './internal.js';
import { createRunnerMachine, type RunnerMachine } from './machine.js';
import { StateBag, type State } from './state.js';
import { validateSteps, type CleanupContext, type Step, type StepContext, type StepResult } from './step.js';

/**
 * A step made of steps. Its children run in order inside its own machine; their cleanups
 * run as a unit when the parent cleans up the sequence, i.e. in the sequence's place in the
 * parent's reverse order.
 */
export class SequenceStep implements Step {
  readonly steps: readonly Step[];
  #machine: RunnerMachine | undefined;
  #pending: Execution | undefined;

  constructor(
    readonly name: string,
    steps: readonly Step[],
  ) {
    validateSteps(steps, `sequence "${name}"`);
    this.steps = Object.freeze([...steps]);
  }

  async run(state: State, ctx: StepContext): Promise<StepResult> {
    const env = (ctx as WithEnv)[ENV];
    if (env === undefined || !(state instanceof StateBag)) {
      throw new SdkError('PKR_ERR_STEP_INVALID', `sequence "${this.name}" must be run by a runner`, {
        details: { step: this.name },
      });
    }
    if (this.#pending) {
      throw new SdkError('PKR_ERR_RUNNER_BUSY', `sequence "${this.name}" is already running`, {
        details: { step: this.name },
      });
    }
    this.#machine ??= createRunnerMachine(ctx.path.join('_'), this.steps);
    const execution = new Execution(this.steps, this.#machine, state, ctx.signal, ctx.path, env);
    this.#pending = execution;
    const result = await execution.runPhase();
    if (result.status === 'failed') throw new NestedFailure(result.failedStep ?? ctx.path, result.error);
    return result.status === 'done' ? 'continue' : 'halt';
  }

  async cleanup(_state: State, _ctx: CleanupContext): Promise<void> {
    const execution = this.#pending;
    this.#pending = undefined;
    // Child cleanup failures are recorded in the shared environment under their own paths.
    await execution?.cleanupPhase();
  }
}

/** Groups steps into one step, cleaned up as a unit in the parent's reverse order. */
export function sequence(name: string, steps: readonly Step[]): SequenceStep {
  return new SequenceStep(name, steps);
}
