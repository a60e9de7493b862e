import { abortReason } from '../engine/clock.js';
import { ScopeStep, scope } from '../engine/scope.js';
import { SequenceStep, sequence } from '../engine/sequence.js';
import type { StepPath } from '../engine/events.js';
import type { Step, StepContext } from '../engine/step.js';
import { wrapStep } from '../engine/wrap.js';
import { SdkError } from '../errors/index.js';

/** Why a build is paused. */
export type PauseReason = 'breakpoint' | 'start' | 'step' | 'error';

export interface Breakpoints {
  /** Step names (match at any depth) or '/'-joined paths from the top (match exactly). */
  readonly steps: readonly string[];
  /** Pause after a step fails, before cleanup starts. */
  readonly onError: boolean;
  /** Pause before the first step. */
  readonly onStart: boolean;
}

export interface PauseInfo {
  readonly path: StepPath;
  readonly reason: PauseReason;
}

export interface ControlSnapshot {
  readonly breakpoints: Breakpoints;
  readonly paused: PauseInfo | undefined;
}

export const NO_BREAKPOINTS: Breakpoints = Object.freeze({ steps: [], onError: false, onStart: false });

const START = '#start';
const ERROR = '#error';

/**
 * Parses a breakpoint list as people type it (PACKER_SDK_CONTROL_BREAK, the watch command's
 * prompt): comma- or space-separated step names or paths, plus `#start` and `#error`. A `#`
 * can never begin a step name (the engine forbids it), so the two cannot collide with steps.
 */
export function parseBreakpointList(text: string): Breakpoints {
  const items = text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return checkBreakpoints({
    steps: items.filter((s) => s !== START && s !== ERROR),
    onError: items.includes(ERROR),
    onStart: items.includes(START),
  });
}

/** The list form of `parseBreakpointList`'s input. */
export function formatBreakpointList(breakpoints: Breakpoints): string {
  return [
    ...(breakpoints.onStart ? [START] : []),
    ...breakpoints.steps,
    ...(breakpoints.onError ? [ERROR] : []),
  ].join(',');
}

/** Validates breakpoints from outside (the wire, the environment); throws PKR_ERR_CONTROL_BREAKPOINT. */
export function checkBreakpoints(breakpoints: Breakpoints): Breakpoints {
  const steps = [...new Set(breakpoints.steps.map((s) => s.trim()))];
  for (const step of steps) {
    const parts = step.split('/');
    if (step === '' || parts.some((p) => p === '' || /[.#]/.test(p) || p !== p.trim())) {
      throw new SdkError(
        'PKR_ERR_CONTROL_BREAKPOINT',
        `breakpoint ${JSON.stringify(step)} is not a step name or path`,
        {
          details: { breakpoint: step },
        },
      );
    }
  }
  return Object.freeze({
    steps: Object.freeze(steps),
    onError: breakpoints.onError,
    onStart: breakpoints.onStart,
  });
}

/**
 * Breakpoints for one plugin process's build, applied through step wrappers: before a step
 * whose path matches (or after a failure, with `onError`) the wrapper emits `paused` and
 * waits for `resume`, `stepOver` or the build's AbortSignal — so Packer's Cancel, or the
 * control service's, always ends a pause. A step cancelled while paused never started, so
 * it gets no cleanup (as with `debugPause`).
 *
 * Steps nested in a `sequence` or `scope` are reached when the composite is in the list
 * as such; a composite hidden behind another wrapper (`when`, `retry`, `-debug`) pauses only
 * as a whole.
 */
export class BreakpointController {
  #breakpoints: Breakpoints;
  #paused: { info: PauseInfo; release: () => void } | undefined;
  /** After StepOver: pause before the next step at this depth or shallower. */
  #stepOverDepth: number | undefined;
  #sawFirstStep = false;
  readonly #listeners = new Set<(snapshot: ControlSnapshot) => void>();

  constructor(initial: Breakpoints = NO_BREAKPOINTS) {
    this.#breakpoints = checkBreakpoints(initial);
  }

  get breakpoints(): Breakpoints {
    return this.#breakpoints;
  }

  get paused(): PauseInfo | undefined {
    return this.#paused?.info;
  }

  snapshot(): ControlSnapshot {
    return { breakpoints: this.#breakpoints, paused: this.paused };
  }

  /** Replaces the breakpoints (validated); returns them as set. */
  set(breakpoints: Breakpoints): Breakpoints {
    this.#breakpoints = checkBreakpoints(breakpoints);
    this.#notify();
    return this.#breakpoints;
  }

  /** Leaves the pause; the build runs to the next breakpoint. */
  resume(): PauseInfo {
    const paused = this.#requirePaused('resume');
    this.#stepOverDepth = undefined;
    this.#release();
    return paused;
  }

  /** Leaves the pause, and pauses again before the next step at the same depth or shallower. */
  stepOver(): PauseInfo {
    const paused = this.#requirePaused('step over');
    this.#stepOverDepth = paused.path.length;
    this.#release();
    return paused;
  }

  /** Called with every change of breakpoints or pause state. */
  onChange(listener: (snapshot: ControlSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Forgets the previous build's progress (the first-step breakpoint applies again). */
  reset(): void {
    this.#sawFirstStep = false;
    this.#stepOverDepth = undefined;
  }

  /** Wraps a build's steps (recursing into sequences and scopes) so breakpoints apply. */
  wrapSteps(steps: readonly Step[]): Step[] {
    return steps.map((step) => this.#wrap(step));
  }

  #wrap(step: Step): Step {
    let inner = step;
    let composite = false;
    if (step instanceof SequenceStep) {
      inner = sequence(step.name, this.wrapSteps(step.steps));
      composite = true;
    } else if (step instanceof ScopeStep) {
      inner = scope(step.name, this.wrapSteps(step.steps));
      composite = true;
    }
    let started = false;
    return wrapStep(
      inner,
      async (state, ctx) => {
        started = false;
        const reason = this.#reasonBefore(ctx.path);
        if (reason) await this.#pause(ctx, reason);
        started = true;
        // A composite's failure is its child's, which already paused for it.
        if (composite) return inner.run(state, ctx);
        try {
          return await inner.run(state, ctx);
        } catch (err) {
          if (this.#breakpoints.onError && !ctx.signal.aborted) {
            // Cancelled while paused: the step's own failure stays the error reported.
            await this.#pause(ctx, 'error').catch(() => undefined);
          }
          throw err;
        }
      },
      async (state, ctx, innerCleanup) => {
        if (started) await innerCleanup(state, ctx);
      },
    );
  }

  #reasonBefore(path: StepPath): PauseReason | undefined {
    const first = !this.#sawFirstStep;
    this.#sawFirstStep = true;
    if (first && this.#breakpoints.onStart) return 'start';
    if (this.#matches(path)) return 'breakpoint';
    if (this.#stepOverDepth !== undefined && path.length <= this.#stepOverDepth) return 'step';
    return undefined;
  }

  #matches(path: StepPath): boolean {
    const joined = path.join('/');
    const name = path[path.length - 1];
    return this.#breakpoints.steps.some((bp) => (bp.includes('/') ? bp === joined : bp === name));
  }

  async #pause(ctx: StepContext, reason: PauseReason): Promise<void> {
    const { signal } = ctx;
    if (signal.aborted) throw abortReason(signal);
    this.#stepOverDepth = undefined;
    ctx.events.emit({ type: 'paused', reason });
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.#paused = undefined;
        this.#notify();
        reject(abortReason(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#paused = {
        info: { path: ctx.path, reason },
        release: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.#notify();
    });
    ctx.events.emit({ type: 'resumed' });
  }

  #requirePaused(what: string): PauseInfo {
    if (!this.#paused) {
      throw new SdkError('PKR_ERR_CONTROL_NOT_PAUSED', `cannot ${what}: the build is not paused`);
    }
    return this.#paused.info;
  }

  #release(): void {
    const paused = this.#paused;
    this.#paused = undefined;
    paused?.release();
    this.#notify();
  }

  #notify(): void {
    const snapshot = this.snapshot();
    for (const listener of this.#listeners) listener(snapshot);
  }
}
