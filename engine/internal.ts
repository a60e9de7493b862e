import type { InspectionEvent } from 'xstate';
import type { Clock } from './clock.js';
import type { EngineEvent, StepPath, StepRunResult } from './events.js';
import type { Logger } from './logger.js';

/** One row of an outcome's step list. */
export interface StepRecord {
  readonly name: string;
  readonly path: StepPath;
  /** ms since the epoch; null for a skipped step. */
  startedAt: number | null;
  durationMs: number;
  result: StepRunResult | 'skipped';
}

export interface CleanupFailure {
  readonly path: StepPath;
  readonly error: unknown;
}

/**
 * What every execution of one build shares, nested sequences included. Reached by a nested
 * sequence through a symbol-keyed property of its StepContext; not part of the public API.
 */
export interface ExecutionEnv {
  readonly clock: Clock;
  readonly emit: (event: EngineEvent) => void;
  readonly inspect: ((event: InspectionEvent) => void) | undefined;
  readonly records: StepRecord[];
  readonly cleanupErrors: CleanupFailure[];
  readonly logger: Logger;
}

export const ENV = Symbol('packer-plugin-sdk.engine.env');

export interface WithEnv {
  readonly [ENV]?: ExecutionEnv;
}

/**
 * Thrown by a sequence whose child failed, so the outermost runner reports the innermost
 * failing step and the original error rather than the sequence.
 */
export class NestedFailure extends Error {
  constructor(
    readonly path: StepPath,
    readonly failure: unknown,
  ) {
    super('a step inside a sequence failed', { cause: failure });
    this.name = 'NestedFailure';
  }
}
