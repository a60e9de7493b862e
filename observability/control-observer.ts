import type { Subscription } from 'rxjs';
import type { EngineEvent } from '../engine/events.js';
import type { Step } from '../engine/step.js';
import { describeError, SdkError } from '../errors/index.js';
import type { BuildObserver, ObservedBuild } from '../packer/build-observer.js';
import type { Ui } from '../packer/ui.js';
import { BreakpointController, type ControlSnapshot } from './breakpoints.js';
import { BuildFeed } from './build-feed.js';
import type { BuildEventMessage, EngineEventMessage, StateSnapshotMessage } from './control-messages.js';
import { maskText } from './mask.js';
import { observedUi } from './observed-ui.js';
import { snapshotState } from './state-snapshot.js';
import { stepGraph } from './step-graph.js';

export interface ControlObserverOptions {
  readonly controller?: BreakpointController;
  readonly feed?: BuildFeed;
  /** Called once when the build has ended; the run waits for it (the service closes and flushes). */
  readonly onBuildEnd?: () => void | Promise<void>;
  /** Time for events that have none of their own (Ui lines, control changes). */
  readonly now?: () => number;
}

/**
 * The build-control service's view of one build, as a BuildObserver: the Ui it wraps and the
 * engine's events feed the Watch stream, the steps it wraps honour breakpoints, and while
 * attached it can snapshot the state bag and cancel the build. Transport-free: the gRPC
 * service is a thin layer over it, and specs drive it directly.
 */
export class ControlObserver implements BuildObserver {
  readonly controller: BreakpointController;
  readonly feed: BuildFeed;
  readonly #onBuildEnd: (() => void | Promise<void>) | undefined;
  readonly #now: () => number;
  #build: ObservedBuild | undefined;

  constructor(options: ControlObserverOptions = {}) {
    this.controller = options.controller ?? new BreakpointController();
    this.feed = options.feed ?? new BuildFeed();
    this.#onBuildEnd = options.onBuildEnd;
    this.#now = options.now ?? Date.now;
    this.controller.onChange((snapshot) => this.feed.publish(controlEvent(snapshot, this.#now())));
  }

  /** True between attach and the end of the run. */
  get running(): boolean {
    return this.#build !== undefined;
  }

  wrapUi(ui: Ui): Ui {
    return observedUi(ui, {
      line: (ui) => this.feed.publish({ at: this.#now(), event: 'ui', ui }),
      progress: (progress) => this.feed.publish({ at: this.#now(), event: 'progress', progress }),
    });
  }

  wrapSteps(steps: readonly Step[]): Step[] {
    return this.controller.wrapSteps(steps);
  }

  attach(build: ObservedBuild): () => Promise<void> {
    this.controller.reset();
    this.#build = build;
    const secrets = build.secrets ?? [];
    this.feed.setGraph(stepGraph(build.runner), this.#now());
    const subscription: Subscription = build.runner.events$.subscribe((event) =>
      this.feed.publish({ at: event.at, event: 'engine', engine: engineMessage(event, secrets) }),
    );
    return async () => {
      subscription.unsubscribe();
      this.#build = undefined;
      this.feed.end();
      await this.#onBuildEnd?.();
    };
  }

  /** The redacted state bag (empty, not running, outside a build). */
  state(): StateSnapshotMessage {
    const build = this.#build;
    if (!build) return { entries: [], running: false };
    return { entries: snapshotState(build.state.entries(), build.secrets ?? []), running: true };
  }

  /** Cancels the running build; PKR_ERR_CONTROL_NO_BUILD when there is none. */
  cancel(reason: string): void {
    if (!this.#build) throw new SdkError('PKR_ERR_CONTROL_NO_BUILD', 'there is no running build to cancel');
    this.#build.cancel(reason);
  }
}

function controlEvent(snapshot: ControlSnapshot, at: number): BuildEventMessage {
  return {
    at,
    event: 'control',
    control: {
      breakpoints: snapshot.breakpoints,
      paused: snapshot.paused !== undefined,
      pausedAt: snapshot.paused?.path ?? [],
      pausedReason: snapshot.paused?.reason ?? '',
    },
  };
}

/** An engine event in wire form; error texts and note data have the build's secrets masked. */
export function engineMessage(event: EngineEvent, secrets: readonly string[]): EngineEventMessage {
  const base: EngineEventMessage = {
    type: event.type,
    path: event.path,
    result: '',
    durationMs: 0,
    reason: '',
    error: '',
    status: '',
    noteName: '',
    noteJson: '',
    steps: 0,
  };
  const text = (value: unknown): string => maskText(describeError(value), secrets);
  switch (event.type) {
    case 'run.started':
      return { ...base, steps: event.steps };
    case 'run.finished':
      return { ...base, status: event.status };
    case 'step.finished':
      return {
        ...base,
        result: event.result,
        durationMs: event.durationMs,
        error: event.error === undefined ? '' : text(event.error),
      };
    case 'cleanup.finished':
      return { ...base, durationMs: event.durationMs };
    case 'cleanup.failed':
      return { ...base, durationMs: event.durationMs, error: text(event.error) };
    case 'step.skipped':
    case 'cleanup.skipped':
    case 'paused':
      return { ...base, reason: event.reason };
    case 'cancelled':
      return { ...base, reason: event.reason === undefined ? '' : text(event.reason) };
    case 'step.note':
      return { ...base, noteName: event.name, noteJson: maskText(safeJson(event.data), secrets) };
    default:
      return base;
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '';
  } catch {
    return '"<unserialisable>"';
  }
}
