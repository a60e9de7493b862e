import { Subject, type Observable } from 'rxjs';
import type { InspectionEvent } from 'xstate';
import { SdkError } from '../errors/index.js';
import { systemClock, type Clock } from './clock.js';
import type { EngineEvent, RunStatus, StepPath } from './events.js';
import { Execution } from './execution.js';
import type { CleanupFailure, ExecutionEnv, StepRecord } from './internal.js';
import {
  buildMachineConfig,
  createRunnerMachine,
  type MachineConfigJson,
  type RunnerMachine,
} from './machine.js';
import { StateBag } from './state.js';
import { silentLogger, type Logger } from './logger.js';
import { validateSteps, type Step } from './step.js';

export type { CleanupFailure, StepRecord } from './internal.js';

export interface RunnerOptions {
  /** Names the machine (and the root of exported graphs). Default: "build". */
  name?: string;
  /** Time source; inject a manual clock in specs. */
  clock?: Clock;
  /** xstate's inspection callback, attached to every actor this runner creates. */
  inspect?: (event: InspectionEvent) => void;
  /** Each step gets a child of it as `ctx.log`; default silent. */
  logger?: Logger;
}

export interface RunOptions {
  signal?: AbortSignal;
}

/** How a run ended. The runner never throws for a step's failure: it reports it here. */
export interface Outcome {
  readonly status: RunStatus;
  /** The step's error (failed), the halting step's recorded error (halted), or the cancel reason. */
  readonly error?: unknown;
  /** Path of the step that failed or halted (innermost, for nested sequences). */
  readonly failedStep?: StepPath;
  readonly cleanupErrors: readonly CleanupFailure[];
  /** Every step, in start order (nested ones included); unreached ones as 'skipped'. */
  readonly steps: readonly StepRecord[];
}

/**
 * Runs a list of steps through an xstate machine generated from it, then cleans up every
 * step that started, in reverse.
 *
 * @example
 * const runner = createRunner([createVm, connect, provision]);
 * const outcome = await runner.run(state, { signal });
 * if (outcome.status === 'failed') throw outcome.error;
 */
export class Runner {
  readonly name: string;
  readonly steps: readonly Step[];
  readonly #clock: Clock;
  readonly #inspect: RunnerOptions['inspect'];
  readonly #logger: Logger;
  readonly #events = new Subject<EngineEvent>();
  #machine: RunnerMachine | undefined;
  #running = false;

  constructor(steps: readonly Step[], options: RunnerOptions = {}) {
    this.name = options.name ?? 'build';
    validateSteps(steps, `runner "${this.name}"`);
    this.steps = Object.freeze([...steps]);
    this.#clock = options.clock ?? systemClock;
    this.#inspect = options.inspect;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Lifecycle events of every run (nested sequences included), as they happen. */
  get events$(): Observable<EngineEvent> {
    return this.#events.asObservable();
  }

  /** The executable xstate machine (built on first use: it costs ~25 µs per state). */
  get machine(): RunnerMachine {
    return (this.#machine ??= createRunnerMachine(this.name, this.steps));
  }

  /** The machine config as JSON, nested sequences expanded (Stately editor import). */
  machineConfig(): MachineConfigJson {
    return buildMachineConfig(this.name, this.steps, true);
  }

  async run(state: StateBag = new StateBag(), options: RunOptions = {}): Promise<Outcome> {
    if (this.#running) {
      throw new SdkError('PKR_ERR_RUNNER_BUSY', `runner "${this.name}" is already running`, {
        details: { runner: this.name },
      });
    }
    this.#running = true;
    try {
      const env: ExecutionEnv = {
        clock: this.#clock,
        emit: (event) => this.#events.next(event),
        inspect: this.#inspect,
        records: [],
        cleanupErrors: [],
        logger: this.#logger,
      };
      const signal = options.signal ?? new AbortController().signal;
      env.emit({ type: 'run.started', path: [], at: this.#clock.now(), steps: this.steps.length });
      const execution = new Execution(this.steps, this.machine, state, signal, [], env);
      const result = await execution.runPhase();
      await execution.cleanupPhase();
      env.emit({ type: 'run.finished', path: [], at: this.#clock.now(), status: result.status });
      return {
        status: result.status,
        ...(result.error === undefined ? {} : { error: result.error }),
        ...(result.failedStep === undefined ? {} : { failedStep: result.failedStep }),
        cleanupErrors: env.cleanupErrors,
        steps: env.records,
      };
    } finally {
      this.#running = false;
    }
  }
}

/** Creates a runner for `steps` (validated now: bad steps are coded errors at construction). */
export function createRunner(steps: readonly Step[], options: RunnerOptions = {}): Runner {
  return new Runner(steps, options);
}
