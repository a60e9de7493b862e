import { assign, setup } from 'xstate';
import type { RunStatus } from './events.js';
import type { Step } from './step.js';

/**
 * The runner's state machine, generated from a step list: one state per step in the run
 * phase and one per step in the cleanup phase, so an inspector (or an exported graph) shows
 * exactly what executes.
 *
 *   idle ─START─▶ running.<a> ─CONTINUE─▶ running.<b> … ─CONTINUE─▶ settled ─CLEANUP─▶ cleanup.<last> … cleanup.<a> ─▶ finished
 *                      └─────── HALT / FAIL / CANCEL (from any running.*) ───────▶ settled
 *
 * `settled` waits for CLEANUP so that a nested sequence can finish its run phase and be
 * cleaned up later, in its parent's reverse order. Cleanup states of steps that never started
 * are passed through by an eventless transition guarded on `lastStarted`.
 */

export interface RunnerContext {
  status: RunStatus | null;
  /** Index of the last step whose run started; -1 before any. */
  lastStarted: number;
}

export type RunnerMachineEvent =
  | { type: 'START' }
  | { type: 'CONTINUE' }
  | { type: 'HALT'; index: number }
  | { type: 'FAIL'; index: number }
  | { type: 'CANCEL'; index: number }
  | { type: 'CLEANUP' }
  | { type: 'NEXT' };

/** A JSON-serialisable xstate machine config (the shape the Stately editor imports). */
export interface MachineConfigJson {
  id?: string;
  initial?: string;
  type?: 'final';
  context?: RunnerContext;
  states?: Record<string, MachineConfigJson>;
  on?: Record<string, TransitionJson>;
  always?: TransitionJson;
  onDone?: TransitionJson;
  description?: string;
}

export type TransitionJson =
  | string
  | { target: string; actions?: ActionJson[]; guard?: { type: string; params: Record<string, number> } };

interface ActionJson {
  type: 'settle';
  params: { status: RunStatus; index?: number };
}

/** Nested step lists (sequences) expose their children so graphs can include them. */
export interface HasChildSteps {
  readonly steps: readonly Step[];
}

export function childSteps(step: Step): readonly Step[] | undefined {
  const maybe = (step as Partial<HasChildSteps>).steps;
  return Array.isArray(maybe) ? (maybe as readonly Step[]) : undefined;
}

/** Makes a runner name usable as an xstate id (ids are referenced as `#id.state`). */
export function machineId(name: string): string {
  return name.replace(/[.#/\s]+/g, '_') || 'runner';
}

/**
 * Builds the machine config. With `nested`, a sequence's own run and cleanup states appear
 * inside its state (for exported graphs), ending in a final `done` child that its `onDone`
 * leaves; the executing machine instead keeps them in the sequence's own actor.
 */
export function buildMachineConfig(name: string, steps: readonly Step[], nested = false): MachineConfigJson {
  const id = machineId(name);
  const n = steps.length;
  const settle = (status: RunStatus, index?: number): TransitionJson => ({
    target: `#${id}.settled`,
    actions: [{ type: 'settle', params: index === undefined ? { status } : { status, index } }],
  });
  return {
    id,
    initial: 'idle',
    context: { status: null, lastStarted: -1 },
    states: {
      idle: {
        on: {
          START: n > 0 ? 'running' : settle('done', -1),
          CANCEL: settle('cancelled', -1),
        },
      },
      ...(n > 0
        ? {
            running: {
              initial: steps[0]!.name,
              states: runStates(steps, settle('done', n - 1), nested),
              on: { HALT: settle('halted'), FAIL: settle('failed'), CANCEL: settle('cancelled') },
            },
          }
        : {}),
      settled: { on: { CLEANUP: n > 0 ? 'cleanup' : 'finished' } },
      ...(n > 0
        ? {
            cleanup: { initial: steps[n - 1]!.name, states: cleanupStates(steps, `#${id}.finished`, nested) },
          }
        : {}),
      finished: { type: 'final' },
    },
  };
}

/** Name of a sequence's final state in exported graphs, distinct from its children's names. */
function doneKey(children: readonly Step[]): string {
  let key = 'done';
  while (children.some((c) => c.name === key)) key = `${key}_`;
  return key;
}

/** One state per step; CONTINUE moves to the next, the last one's to `exit`. */
function runStates(
  steps: readonly Step[],
  exit: TransitionJson,
  nested: boolean,
): Record<string, MachineConfigJson> {
  const states: Record<string, MachineConfigJson> = {};
  steps.forEach((step, i) => {
    const next = i < steps.length - 1 ? steps[i + 1]!.name : exit;
    const children = nested ? childSteps(step) : undefined;
    states[step.name] =
      children && children.length > 0
        ? {
            description: `sequence of ${children.length} steps`,
            initial: children[0]!.name,
            states: {
              ...runStates(children, doneKey(children), true),
              [doneKey(children)]: { type: 'final' },
            },
            onDone: next,
          }
        : { on: { CONTINUE: next } };
  });
  return states;
}

/** One state per step, last first; steps that never started are passed through. */
function cleanupStates(
  steps: readonly Step[],
  exit: string,
  nested: boolean,
): Record<string, MachineConfigJson> {
  const states: Record<string, MachineConfigJson> = {};
  for (let i = steps.length - 1; i >= 0; i--) {
    const prev = i > 0 ? steps[i - 1]!.name : exit;
    const always: TransitionJson = { target: prev, guard: { type: 'notStarted', params: { index: i } } };
    const children = nested ? childSteps(steps[i]!) : undefined;
    states[steps[i]!.name] =
      children && children.length > 0
        ? {
            always,
            initial: children[children.length - 1]!.name,
            states: {
              ...cleanupStates(children, doneKey(children), true),
              [doneKey(children)]: { type: 'final' },
            },
            onDone: prev,
          }
        : { always, on: { NEXT: prev } };
  }
  return states;
}

/** The executable machine: the generated config plus the guard and action implementations. */
export function createRunnerMachine(name: string, steps: readonly Step[]) {
  const config = buildMachineConfig(name, steps);
  const machineSetup = setup({
    types: { context: {} as RunnerContext, events: {} as RunnerMachineEvent },
    guards: {
      notStarted: ({ context }, params: { index: number }) => params.index > context.lastStarted,
    },
    actions: {
      settle: assign(({ event }, params: { status: RunStatus; index?: number }) => ({
        status: params.status,
        lastStarted: params.index ?? ('index' in event ? event.index : -1),
      })),
    },
  });
  // The generated config is plain JSON (so it can be exported); its action and guard names
  // are the ones implemented just above.
  return machineSetup.createMachine(config as unknown as Parameters<typeof machineSetup.createMachine>[0]);
}

export type RunnerMachine = ReturnType<typeof createRunnerMachine>;
