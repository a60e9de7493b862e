/** A step's position: names from the outermost sequence down to the step itself. */
export type StepPath = readonly string[];

interface EventBase {
  /** Wall-clock time (ms since the epoch, from the runner's clock). */
  readonly at: number;
  readonly path: StepPath;
}

export type StepRunResult = 'continue' | 'halt' | 'failed' | 'cancelled';

export type EngineEvent =
  | (EventBase & { readonly type: 'run.started'; readonly steps: number })
  | (EventBase & { readonly type: 'run.finished'; readonly status: RunStatus })
  | (EventBase & { readonly type: 'step.started' })
  | (EventBase & {
      readonly type: 'step.finished';
      readonly result: StepRunResult;
      readonly durationMs: number;
      readonly error?: unknown;
    })
  | (EventBase & { readonly type: 'step.skipped'; readonly reason: string })
  | (EventBase & { readonly type: 'cleanup.started' })
  | (EventBase & { readonly type: 'cleanup.finished'; readonly durationMs: number })
  | (EventBase & { readonly type: 'cleanup.failed'; readonly durationMs: number; readonly error: unknown })
  | (EventBase & { readonly type: 'cleanup.skipped'; readonly reason: string })
  | (EventBase & { readonly type: 'paused'; readonly reason: string })
  | (EventBase & { readonly type: 'resumed' })
  | (EventBase & { readonly type: 'cancelled'; readonly reason?: unknown })
  | (EventBase & {
      readonly type: 'step.note';
      readonly name: string;
      readonly data: Readonly<Record<string, unknown>>;
    });

export type RunStatus = 'done' | 'halted' | 'failed' | 'cancelled';

/** What a step (or a wrapper) may report; the runner stamps the path and the time. */
export type StepEventInput =
  | { type: 'paused'; reason: string }
  | { type: 'resumed' }
  | { type: 'step.skipped'; reason: string }
  | { type: 'cleanup.skipped'; reason: string }
  | { type: 'step.note'; name: string; data?: Readonly<Record<string, unknown>> };

/** The runner's event sink as seen by one step. */
export interface EventSink {
  emit(event: StepEventInput): void;
}
