import type { Logger } from '../engine/logger.js';
import type { Runner } from '../engine/runner.js';
import type { StateBag } from '../engine/state.js';
import type { Step } from '../engine/step.js';
import type { Ui } from './ui.js';

/** A running build, as an observer may see and steer it. */
export interface ObservedBuild {
  readonly runner: Runner;
  readonly state: StateBag;
  /** Values to mask in anything shown outside the build (sensitive config fields, Packer's sensitive variables). */
  readonly secrets?: readonly string[];
  /** Cancels the build (the steps' signal aborts); cleanup then runs as for Packer's Cancel. */
  cancel(reason: string): void;
}

/**
 * Something that watches and steers a builder's run from outside Packer — the opt-in
 * build-control service is one. `defineBuilder` calls the three hooks in this order.
 */
export interface BuildObserver {
  /** Sees everything the build says, after secrets are masked (the returned Ui is what goes to core). */
  wrapUi(ui: Ui): Ui;
  /** Wraps the steps before the runner is made (breakpoints pause in these wrappers). */
  wrapSteps(steps: readonly Step[]): Step[];
  /**
   * Called before the run starts; the returned function when it has ended. Run waits for a
   * promise it returns (the control service flushes its last replies before Packer, told the
   * build is over, kills the plugin).
   */
  attach(build: ObservedBuild): () => void | Promise<void>;
}

/** What the plugin process hands a component besides Packer's own arguments. */
export interface RunExtras {
  /** The plugin's logger (stderr, PACKER_LOG levels, secrets masked). */
  readonly log?: Logger;
  readonly observer?: BuildObserver;
}
