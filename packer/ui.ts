/**
 * What a component may say to the person running Packer. The same interface is served by
 * core over RPC (issue: wire protocol II) and implemented in memory by `MockUi` for tests.
 */
export interface Ui {
  /** A normal line (`==> build: message`). */
  say(message: string): Promise<void>;
  /** An indented line, used for command output. */
  message(message: string): Promise<void>;
  /** An error-coloured line. */
  error(message: string): Promise<void>;
  /** Prompts on core's terminal and resolves with the answer. */
  ask(query: string): Promise<string>;
  /** A `-machine-readable` record. */
  machine(category: string, ...args: string[]): Promise<void>;
  /** Starts a progress bar for an operation of `totalSize` bytes (core renders it). */
  trackProgress(src: string, totalSize: number, currentSize?: number): Promise<ProgressTracker>;
}

export interface ProgressTracker {
  /** Reports `bytes` more done since the previous call. Never throws; failures end the bar. */
  add(bytes: number): void;
  /** Ends the bar. Safe to call twice. */
  close(): Promise<void>;
}
