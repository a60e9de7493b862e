import type { BreakpointsMessage, BuildEventMessage, ProgressMessage } from './control-messages.js';

/**
 * The watch command's screen as a pure function of the events it received: `reduceWatch`
 * folds events into a model, `renderWatch` draws it. No terminal needed to test either.
 */

export type StepStatus = 'pending' | 'running' | 'done' | 'halted' | 'failed' | 'cancelled' | 'skipped';
export type CleanupStatus = 'running' | 'done' | 'failed' | 'skipped';

export interface WatchModel {
  readonly name: string;
  /** Step paths ('/'-joined) in run order, from the graph. */
  readonly steps: readonly string[];
  readonly status: Readonly<Record<string, StepStatus>>;
  readonly cleanup: Readonly<Record<string, CleanupStatus>>;
  /** The step running or being cleaned up. */
  readonly current: string | undefined;
  readonly paused: { readonly path: string; readonly reason: string } | undefined;
  readonly breakpoints: BreakpointsMessage;
  /** The latest Ui lines, oldest first. */
  readonly ui: readonly string[];
  readonly progress: ProgressMessage | undefined;
  /** The run's status once it has finished. */
  readonly finished: string | undefined;
  /** The last failure text (a step's error), shown under the steps. */
  readonly error: string | undefined;
}

/** How many Ui lines the model keeps. */
export const UI_LINES_KEPT = 500;

export function initialWatchModel(): WatchModel {
  return {
    name: '',
    steps: [],
    status: {},
    cleanup: {},
    current: undefined,
    paused: undefined,
    breakpoints: { steps: [], onError: false, onStart: false },
    ui: [],
    progress: undefined,
    finished: undefined,
    error: undefined,
  };
}

const UI_PREFIX: Readonly<Record<string, string>> = {
  say: '==> ',
  message: '    ',
  error: '!!! ',
  ask: '??? ',
  machine: '    machine: ',
};

const RESULT_STATUS: Readonly<Record<string, StepStatus>> = {
  continue: 'done',
  halt: 'halted',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The model after one more event. */
export function reduceWatch(model: WatchModel, event: BuildEventMessage): WatchModel {
  switch (event.event) {
    case 'graph': {
      const status: Record<string, StepStatus> = {};
      for (const step of event.graph.steps) status[step] = model.status[step] ?? 'pending';
      return { ...model, name: event.graph.name, steps: event.graph.steps, status };
    }
    case 'ui': {
      const prefix = UI_PREFIX[event.ui.kind] ?? '';
      const lines = event.ui.text.split('\n').map((l) => `${prefix}${l}`);
      const ui = [...model.ui, ...lines].slice(-UI_LINES_KEPT);
      return { ...model, ui };
    }
    case 'progress':
      return { ...model, progress: event.progress.done ? undefined : event.progress };
    case 'control': {
      const { control } = event;
      const paused = control.paused
        ? { path: control.pausedAt.join('/'), reason: control.pausedReason }
        : undefined;
      return { ...model, breakpoints: control.breakpoints, paused };
    }
    case 'engine':
      return reduceEngine(model, event.engine);
  }
}

function reduceEngine(
  model: WatchModel,
  e: Extract<BuildEventMessage, { event: 'engine' }>['engine'],
): WatchModel {
  const path = e.path.join('/');
  const withStatus = (status: StepStatus): Readonly<Record<string, StepStatus>> => ({
    ...model.status,
    [path]: status,
  });
  const withCleanup = (status: CleanupStatus): Readonly<Record<string, CleanupStatus>> => ({
    ...model.cleanup,
    [path]: status,
  });
  switch (e.type) {
    case 'step.started':
      return { ...model, status: withStatus('running'), current: path };
    case 'step.finished':
      return {
        ...model,
        status: withStatus(RESULT_STATUS[e.result] ?? 'done'),
        error: e.error !== '' ? `${path}: ${e.error}` : model.error,
      };
    case 'step.skipped':
      return { ...model, status: withStatus('skipped') };
    case 'cleanup.started':
      return { ...model, cleanup: withCleanup('running'), current: path };
    case 'cleanup.finished':
      return { ...model, cleanup: withCleanup('done') };
    case 'cleanup.failed':
      return { ...model, cleanup: withCleanup('failed'), error: `cleanup of ${path}: ${e.error}` };
    case 'cleanup.skipped':
      return { ...model, cleanup: withCleanup('skipped') };
    case 'paused':
      return { ...model, paused: { path, reason: e.reason } };
    case 'resumed':
      return { ...model, paused: undefined };
    case 'run.finished':
      return e.path.length === 0
        ? { ...model, finished: e.status, current: undefined, paused: undefined }
        : model;
    default:
      return model;
  }
}

export interface RenderOptions {
  /** Terminal width; lines are cut to it. */
  readonly width: number;
  /** Terminal height; the Ui section gets what the steps leave. */
  readonly height: number;
  /** ANSI styling (inverse video for the current step, colours for states). */
  readonly color: boolean;
  /** The bottom line: key help, a prompt, or the last command's answer. */
  readonly footer?: string;
}

const GLYPH: Readonly<Record<StepStatus, string>> = {
  pending: '·',
  running: '▶',
  done: '✓',
  halted: '■',
  failed: '✗',
  cancelled: '⊘',
  skipped: '-',
};

const COLOR: Readonly<Record<StepStatus, string>> = {
  pending: '\x1b[2m',
  running: '\x1b[1m',
  done: '\x1b[32m',
  halted: '\x1b[33m',
  failed: '\x1b[31m',
  cancelled: '\x1b[33m',
  skipped: '\x1b[2m',
};

const RESET = '\x1b[0m';
const INVERSE = '\x1b[7m';

export const KEY_HELP = '[b] breakpoint  [r] resume  [s] step over  [c] cancel  [q] quit';

/** The whole screen as text (lines joined with '\n'), at most `height` lines of `width` columns. */
export function renderWatch(model: WatchModel, options: RenderOptions): string {
  const { width, color } = options;
  const height = Math.max(options.height, 6);
  const lines: string[] = [fit(headline(model), width)];

  for (const path of model.steps) {
    const depth = path.split('/').length - 1;
    const name = path.split('/').pop() ?? path;
    const status = model.status[path] ?? 'pending';
    const paused = model.paused?.path === path;
    const glyph = paused ? '⏸' : GLYPH[status];
    const mark = hasBreakpoint(model.breakpoints, path) ? '●' : ' ';
    const cleanup = model.cleanup[path];
    const suffix = paused
      ? `  (paused: ${model.paused?.reason ?? ''})`
      : cleanup
        ? `  [cleanup ${cleanup}]`
        : '';
    const text = fit(`${mark} ${'  '.repeat(depth)}${glyph} ${name}${suffix}`, width);
    const current = model.current === path;
    if (color) lines.push(current ? `${INVERSE}${text}${RESET}` : `${COLOR[status]}${text}${RESET}`);
    else lines.push(current ? `>${text.slice(1)}` : text);
  }
  if (model.error) lines.push(fit(`  error: ${model.error}`, width));
  if (model.progress) {
    const { src, current, total } = model.progress;
    const pct = total > 0 ? Math.floor((current * 100) / total) : 0;
    lines.push(fit(`  ${src}: ${pct}% (${current}/${total})`, width));
  }

  const rule = '─'.repeat(Math.max(0, Math.min(width, 80)));
  const footer = fit(options.footer ?? KEY_HELP, width);
  // Steps first; the Ui gets the rest of the screen (at least a few lines), newest last.
  const room = Math.max(3, height - lines.length - 3);
  const ui = model.ui.slice(-room).map((l) => fit(l, width));
  const screen = [...lines, rule, ...ui, rule, footer];
  return screen.slice(Math.max(0, screen.length - height)).join('\n');
}

function headline(model: WatchModel): string {
  const name = model.name === '' ? 'build' : model.name;
  if (model.finished) return `${name}: finished (${model.finished})`;
  if (model.paused) return `${name}: paused at ${model.paused.path} (${model.paused.reason})`;
  if (model.steps.length === 0) return `${name}: waiting for the build to start`;
  return `${name}: running${model.current ? ` ${model.current}` : ''}`;
}

/** True when a breakpoint names this step (by name at any depth, or by its exact path). */
export function hasBreakpoint(breakpoints: BreakpointsMessage, path: string): boolean {
  const name = path.split('/').pop();
  return breakpoints.steps.some((bp) => (bp.includes('/') ? bp === path : bp === name));
}

function fit(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}
