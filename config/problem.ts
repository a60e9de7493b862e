/**
 * One thing wrong with a component's configuration. Validation collects every problem before
 * reporting, so a user fixes a template in one pass instead of one error at a time.
 */
export interface ConfigProblem {
  /** Field path as a user writes it in a template: `ssh_port`, `disk[1].size`, `http_content["/ks.cfg"]`. */
  readonly path: string;
  readonly message: string;
  /** A likely intended field name for unknown keys ("did you mean …?"). */
  readonly suggestion?: string;
}

/** Renders problems the way Packer prints multi-errors: one `* path: message` line each. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems
    .map(
      (p) =>
        `* ${p.path === '' ? '' : `${p.path}: `}${p.message}${p.suggestion ? ` (did you mean "${p.suggestion}"?)` : ''}`,
    )
    .join('\n');
}
