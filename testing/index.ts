/**
 * The testing kit: unit-test one step with a mocked state bag in a few lines.
 * @packageDocumentation
 */
export { createMockState, type StateSeed } from './mock-state.js';
export { runStep, type RunStepOptions, type StepRun } from './run-step.js';
export { createRecordingStep, type RecordingStepOptions } from './recording-step.js';
export { MockUi, type UiRecord } from './mock-ui.js';
export { MockHook, type HookCall } from './mock-hook.js';
export { createManualClock, type ManualClock } from './manual-clock.js';
