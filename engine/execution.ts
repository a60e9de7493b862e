import { createActor, type Actor } from 'xstate';
import { SdkError } from '../errors/index.js';
import { abortReason } from './clock.js';
import type { EventSink, RunStatus, StepEventInput, StepPath } from './events.js';
import { ENV, NestedFailure, type ExecutionEnv, type StepRecord } from './internal.js';
import { keys } from './keys.js';
import type { Logger } from './logger.js';
import type { RunnerMachine } from './machine.js';
import type { StateBag } from './state.js';
import type { CleanupContext, Step, StepContext } from './step.js';

export interface RunPhaseResult {
  readonly status: RunStatus;
  readonly error?: unknown;
  readonly failedStep?: StepPath;
}

/**
 * One pass of a step list through its machine: a run phase, then (possibly much later, for
 * a nested sequence) a cleanup phase over the steps that started, in reverse.
 *
 * The loop is iterative and every step costs exactly one machine transition, so 10,000 steps
 * use constant stack.
 */
export class Execution {
  readonly #actor: Actor<RunnerMachine>;
  #started = 0;
  #result: RunPhaseResult | undefined;

  constructor(
    private readonly steps: readonly Step[],
    machine: RunnerMachine,
    private readonly state: StateBag,
    private readonly signal: AbortSignal,
    private readonly basePath: StepPath,
    private readonly env: ExecutionEnv,
  ) {
    this.#actor = createActor(machine, env.inspect ? { inspect: env.inspect } : {});
    this.#actor.start();
  }

  async runPhase(): Promise<RunPhaseResult> {
    const { steps, signal, env, state } = this;
    const { clock } = env;
    if (signal.aborted) {
      this.#actor.send({ type: 'CANCEL', index: -1 });
      env.emit({ type: 'cancelled', path: this.basePath, at: clock.now(), reason: signal.reason });
      this.#skipFrom(0, 'cancelled before the step started');
      return (this.#result = { status: 'cancelled', error: abortReason(signal) });
    }
    this.#actor.send({ type: 'START' });
    let result: RunPhaseResult = { status: 'done' };
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i]!;
      const path = [...this.basePath, step.name];
      const record: StepRecord = {
        name: step.name,
        path,
        startedAt: clock.now(),
        durationMs: 0,
        result: 'continue',
      };
      env.records.push(record);
      this.#started = i + 1;
      env.emit({ type: 'step.started', path, at: record.startedAt! });

      let outcome: unknown;
      let thrown: unknown;
      let threw = false;
      try {
        outcome = await step.run(state.viewFor(path.join('/')), this.#stepContext(path));
      } catch (err) {
        threw = true;
        thrown = err;
      }
      const end = clock.now();
      record.durationMs = end - record.startedAt!;

      if (signal.aborted) {
        record.result = 'cancelled';
        result = { status: 'cancelled', error: abortReason(signal) };
        env.emit({
          type: 'step.finished',
          path,
          at: end,
          result: 'cancelled',
          durationMs: record.durationMs,
        });
        env.emit({ type: 'cancelled', path, at: end, reason: signal.reason });
        this.#actor.send({ type: 'CANCEL', index: i });
      } else if (threw || (outcome !== 'continue' && outcome !== 'halt')) {
        const error = threw
          ? thrown
          : new SdkError(
              'PKR_ERR_STEP_RESULT',
              `step "${path.join('/')}" returned ${describeResult(outcome)}; expected 'continue' or 'halt'`,
              { details: { step: path.join('/') } },
            );
        record.result = 'failed';
        result =
          error instanceof NestedFailure
            ? { status: 'failed', error: error.failure, failedStep: error.path }
            : { status: 'failed', error, failedStep: path };
        env.emit({
          type: 'step.finished',
          path,
          at: end,
          result: 'failed',
          durationMs: record.durationMs,
          error: result.error,
        });
        this.#actor.send({ type: 'FAIL', index: i });
      } else if (outcome === 'halt') {
        record.result = 'halt';
        const recorded = state.get(keys.error);
        result =
          recorded === undefined
            ? { status: 'halted', failedStep: path }
            : { status: 'halted', error: recorded, failedStep: path };
        env.emit({ type: 'step.finished', path, at: end, result: 'halt', durationMs: record.durationMs });
        this.#actor.send({ type: 'HALT', index: i });
      } else {
        env.emit({ type: 'step.finished', path, at: end, result: 'continue', durationMs: record.durationMs });
        this.#actor.send({ type: 'CONTINUE' });
        continue;
      }
      this.#skipFrom(
        i + 1,
        `the run ${result.status === 'halted' ? 'halted' : result.status} at "${step.name}"`,
      );
      break;
    }
    return (this.#result = result);
  }

  /** Cleans up every step that started, last first. Never throws: failures are collected. */
  async cleanupPhase(): Promise<void> {
    const { env, state } = this;
    const { clock } = env;
    const run = this.#result ?? { status: 'cancelled' as const };
    this.#actor.send({ type: 'CLEANUP' });
    for (let i = this.#started - 1; i >= 0; i--) {
      const step = this.steps[i]!;
      if (step.cleanup) {
        const path = [...this.basePath, step.name];
        const startedAt = clock.now();
        env.emit({ type: 'cleanup.started', path, at: startedAt });
        try {
          await step.cleanup(state.viewFor(path.join('/')), this.#cleanupContext(path, run));
          const at = clock.now();
          env.emit({ type: 'cleanup.finished', path, at, durationMs: at - startedAt });
        } catch (error) {
          const at = clock.now();
          env.cleanupErrors.push({ path, error });
          env.emit({ type: 'cleanup.failed', path, at, durationMs: at - startedAt, error });
        }
      }
      this.#actor.send({ type: 'NEXT' });
    }
    this.#actor.stop();
  }

  #skipFrom(index: number, reason: string): void {
    const { env } = this;
    for (let i = index; i < this.steps.length; i++) {
      const path = [...this.basePath, this.steps[i]!.name];
      env.records.push({
        name: this.steps[i]!.name,
        path,
        startedAt: null,
        durationMs: 0,
        result: 'skipped',
      });
      env.emit({ type: 'step.skipped', path, at: env.clock.now(), reason });
    }
  }

  #log(path: StepPath): Logger {
    return this.env.logger.child({ step: path.join('/') });
  }

  #sink(path: StepPath): EventSink {
    const { env } = this;
    return {
      emit(event: StepEventInput): void {
        const at = env.clock.now();
        if (event.type === 'step.note')
          env.emit({ type: 'step.note', path, at, name: event.name, data: event.data ?? {} });
        else env.emit({ ...event, path, at });
      },
    };
  }

  #stepContext(path: StepPath): StepContext {
    return {
      signal: this.signal,
      events: this.#sink(path),
      path,
      log: this.#log(path),
      [ENV]: this.env,
    } as StepContext;
  }

  #cleanupContext(path: StepPath, run: RunPhaseResult): CleanupContext {
    const base = {
      status: run.status,
      events: this.#sink(path),
      path,
      log: this.#log(path),
      [ENV]: this.env,
    };
    return run.error === undefined ? base : { ...base, error: run.error };
  }
}

function describeResult(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}
