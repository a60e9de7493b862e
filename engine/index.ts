/**
 * The multistep engine: steps, typed state, the xstate-driven runner, policy wrappers, the
 * event stream and step-graph exports.
 * @packageDocumentation
 */
export {
  stateKey,
  StateBag,
  type State,
  type StateKey,
  type StateKeyOptions,
  type StateEntry,
} from './state.js';
export { keys } from './keys.js';
export { isStep, type Step, type StepResult, type StepContext, type CleanupContext } from './step.js';
export {
  createRunner,
  Runner,
  type RunnerOptions,
  type RunOptions,
  type Outcome,
  type StepRecord,
  type CleanupFailure,
} from './runner.js';
export { sequence, SequenceStep } from './sequence.js';
export { scope, ScopeStep } from './scope.js';
export { when } from './when.js';
export { retry, type RetryOptions } from './retry.js';
export { debugPause, type PauseFn, type PauseRequest } from './debug-pause.js';
export { onError, type OnErrorMode, type OnErrorOptions, type AskAnswer } from './on-error.js';
export { toMermaid, toDot, toMachineJson } from './graph.js';
export type { MachineConfigJson, TransitionJson } from './machine.js';
export { systemClock, type Clock } from './clock.js';
export { silentLogger, type Logger, type LogMeta } from './logger.js';
export type { EngineEvent, EventSink, RunStatus, StepEventInput, StepPath, StepRunResult } from './events.js';
