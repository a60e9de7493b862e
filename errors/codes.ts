/**
 * The one registry of coded errors. Every `PKR_ERR_*` the SDK throws is listed here with a
 * summary and a hint that tells the reader what to do; docs/errors.md is generated from it
 * (`make generate`) and a spec checks that both agree.
 *
 * Sections are grouped by the layer that raises them. Keep codes stable: plugin authors
 * match on them.
 */
export const errorCodes = {
  // --- engine ---------------------------------------------------------------------------
  PKR_ERR_STEP_INVALID: {
    summary: 'A value given to the runner is not a step.',
    hint: 'A step is an object with a non-empty string `name` and a `run(state, ctx)` function; `cleanup` is optional.',
  },
  PKR_ERR_STEP_NAME: {
    summary: 'A step name cannot be used as a state name.',
    hint: "Use a non-empty name without '.', '#' or '/' (they separate paths in the step graph).",
  },
  PKR_ERR_STEP_DUPLICATE: {
    summary: 'Two steps in one sequence share a name.',
    hint: 'Step names must be unique within a sequence; rename one, or wrap a group in `sequence(name, steps)`.',
  },
  PKR_ERR_STEP_RESULT: {
    summary: "A step's run returned something other than 'continue' or 'halt'.",
    hint: "Return 'continue' to go on or 'halt' to stop the build; throw to fail it.",
  },
  PKR_ERR_RUNNER_BUSY: {
    summary: 'A runner was started while it was already running.',
    hint: 'Await the first run, or create a second runner from the same steps.',
  },
  PKR_ERR_STATE_MISSING: {
    summary: 'A step required a state key that no earlier step put.',
    hint: 'Check the step order: the step that puts this key must run before the one that requires it.',
  },
  PKR_ERR_CANCELLED: {
    summary: 'The build was cancelled.',
    hint: 'Cancellation came from the AbortSignal (Packer sent Cancel, or the user pressed Ctrl-C); cleanup has run.',
  },
  PKR_ERR_RETRY_EXHAUSTED: {
    summary: 'A retried step failed on every attempt.',
    hint: 'The cause holds the last attempt’s error; raise `attempts` or fix the underlying failure.',
  },
  PKR_ERR_OPTION_INVALID: {
    summary: 'An option passed to an SDK function is out of range or of the wrong type.',
    hint: 'Read the message for the option name and the accepted values.',
  },
} as const satisfies Record<string, { summary: string; hint: string }>;

export type ErrorCode = keyof typeof errorCodes;
