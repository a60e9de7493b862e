import { SdkError } from '../errors/index.js';
import { Execution } from './execution.js';
import { ENV, NestedFailure, type WithEnv } from './internal.js';
import { createRunnerMachine, type RunnerMachine } from './machine.js';
import { StateBag, type State } from './state.js';
import { validateSteps, type Step, type StepContext, type StepResult } from './step.js';

/**
 * A step made of steps whose resources end with it: once its children have run — or failed,
 * or been cancelled — their cleanups run at once, in reverse, before the build moves on.
 * Use it for what must be released before later steps (mounts before packing a root file
 * system, a VM before converting its disk). Compare `sequence`, whose children are cleaned
 * up only at the end of the whole build.
 *
 * Cleanup failures are recorded like any other, under the children's paths; they do not fail
 * the scope.
 */
export class ScopeStep implements Step {
  readonly steps: readonly Step[];
  #machine: RunnerMachine | undefined;

  constructor(
    readonly name: string,
    steps: readonly Step[],
  ) {
    validateSteps(steps, `scope "${name}"`);
    this.steps = Object.freeze([...steps]);
  }

  async run(state: State, ctx: StepContext): Promise<StepResult> {
    const env = (ctx as WithEnv)[ENV];
    if (env === undefined || !(state instanceof StateBag)) {
      throw new SdkError('PKR_ERR_STEP_INVALID', `scope "${this.name}" must be run by a runner`, {
        details: { step: this.name },
      });
    }
    this.#machine ??= createRunnerMachine(ctx.path.join('_'), this.steps);
    const execution = new Execution(this.steps, this.#machine, state, ctx.signal, ctx.path, env);
    const result = await execution.runPhase();
    await execution.cleanupPhase();
    if (result.status === 'failed') throw new NestedFailure(result.failedStep ?? ctx.path, result.error);
    return result.status === 'done' ? 'continue' : 'halt';
  }
}

/** Runs `steps`, then cleans them up right away (see {@link ScopeStep}). */
export function scope(name: string, steps: readonly Step[]): ScopeStep {
  return new ScopeStep(name, steps);
}
