import { describeError } from '../errors/index.js';
import {
  checkBreakpoints,
  formatBreakpointList,
  parseBreakpointList,
  type Breakpoints,
} from './breakpoints.js';
import type { BreakpointsMessage, ControlReplyMessage } from './control-messages.js';

/** What the keys do, as calls on the control service (a BuildControlClient, or a fake). */
export interface WatchActions {
  setBreakpoints(breakpoints: Breakpoints): Promise<BreakpointsMessage>;
  resume(): Promise<ControlReplyMessage>;
  stepOver(): Promise<ControlReplyMessage>;
  cancel(reason?: string): Promise<ControlReplyMessage>;
}

export interface WatchKeysOptions {
  readonly actions: WatchActions;
  /** The breakpoints as last seen on the Watch stream (the `b` prompt toggles against them). */
  readonly breakpoints: () => BreakpointsMessage;
  /** The footer changed: a prompt, or the answer to the last command. */
  readonly onFooter: (footer: string | undefined) => void;
  readonly onQuit: () => void;
}

const ESC = '\x1b';
const CTRL_C = '\x03';

/**
 * The watch command's keys: `b` prompts for breakpoints (names or paths, `#start`, `#error`;
 * each one entered is toggled), `r` resume, `s` step over, `c` cancel, `q` (or Ctrl-C) quit.
 * Keys are handled one at a time, in order, each command awaited before the next key.
 */
export class WatchKeys {
  readonly #options: WatchKeysOptions;
  #prompt: string | undefined;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: WatchKeysOptions) {
    this.#options = options;
  }

  /** The prompt's text while `b` is being answered. */
  get prompt(): string | undefined {
    return this.#prompt;
  }

  /** Feeds raw terminal input; resolves when every key in it has been handled. */
  feed(input: string): Promise<void> {
    // Escape sequences (arrow keys…) are not ours: drop them whole.
    // eslint-disable-next-line no-control-regex -- ESC is exactly what this matches
    const keys = [...input.replace(/\x1b\[[0-9;]*[A-Za-z~]/g, '')];
    this.#queue = this.#queue.then(async () => {
      for (const key of keys) await this.#key(key);
    });
    return this.#queue;
  }

  async #key(key: string): Promise<void> {
    const { onFooter } = this.#options;
    if (this.#prompt !== undefined) {
      if (key === '\r' || key === '\n') {
        const text = this.#prompt;
        this.#prompt = undefined;
        await this.#toggle(text);
      } else if (key === ESC || key === CTRL_C) {
        this.#prompt = undefined;
        onFooter(undefined);
      } else if (key === '\x7f' || key === '\b') {
        this.#prompt = [...this.#prompt].slice(0, -1).join('');
        onFooter(promptFooter(this.#prompt));
      } else if (key >= ' ') {
        this.#prompt += key;
        onFooter(promptFooter(this.#prompt));
      }
      return;
    }
    const { actions } = this.#options;
    switch (key) {
      case 'b':
        this.#prompt = '';
        onFooter(promptFooter(''));
        return;
      case 'r':
        return this.#run(() => actions.resume());
      case 's':
        return this.#run(() => actions.stepOver());
      case 'c':
        return this.#run(() => actions.cancel('cancelled from the watch command'));
      case 'q':
      case CTRL_C:
        this.#options.onQuit();
        return;
      default:
        return;
    }
  }

  async #toggle(text: string): Promise<void> {
    const { actions, onFooter, breakpoints } = this.#options;
    try {
      const entered = parseBreakpointList(text);
      const current = breakpoints();
      const steps = new Set(current.steps);
      for (const step of entered.steps) {
        if (steps.has(step)) steps.delete(step);
        else steps.add(step);
      }
      const wanted = checkBreakpoints({
        steps: [...steps],
        onError: entered.onError ? !current.onError : current.onError,
        onStart: entered.onStart ? !current.onStart : current.onStart,
      });
      const set = await actions.setBreakpoints(wanted);
      onFooter(`breakpoints: ${formatBreakpointList(set) || 'none'}`);
    } catch (err) {
      onFooter(`error: ${describeError(err)}`);
    }
  }

  async #run(command: () => Promise<ControlReplyMessage>): Promise<void> {
    try {
      this.#options.onFooter((await command()).message);
    } catch (err) {
      this.#options.onFooter(`error: ${describeError(err)}`);
    }
  }
}

function promptFooter(text: string): string {
  return `breakpoint (name, path, #start, #error; Enter toggles, Esc cancels): ${text}`;
}
