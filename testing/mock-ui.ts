import type { ProgressTracker, Ui } from '../packer/ui.js';

export type UiRecord =
  | { kind: 'say' | 'message' | 'error' | 'ask'; text: string }
  | { kind: 'machine'; category: string; args: string[] }
  | { kind: 'progress'; src: string; totalSize: number; done: number; closed: boolean };

/**
 * A Ui that remembers everything said to it. `ask` answers from the queue given at
 * construction (or a function), and fails loudly when nothing was planned.
 */
export class MockUi implements Ui {
  readonly records: UiRecord[] = [];
  readonly #answers: string[] | ((query: string) => string);
  readonly #waiters: { test: (r: UiRecord) => boolean; resolve: (r: UiRecord) => void }[] = [];

  constructor(answers: readonly string[] | ((query: string) => string) = []) {
    this.#answers = typeof answers === 'function' ? answers : [...answers];
  }

  /**
   * Resolves with the first record (already there, or yet to come) that `test` accepts, or
   * whose text equals `test` when given a string: lets a spec wait for a build to reach a point.
   */
  waitFor(test: string | ((record: UiRecord) => boolean)): Promise<UiRecord> {
    const match = typeof test === 'string' ? (r: UiRecord) => 'text' in r && r.text === test : test;
    const found = this.records.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.#waiters.push({ test: match, resolve }));
  }

  #record(record: UiRecord): void {
    this.records.push(record);
    for (const waiter of [...this.#waiters]) {
      if (waiter.test(record)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(record);
      }
    }
  }

  /** Every say/message/error line, in order, as plain text. */
  get lines(): string[] {
    return this.records.flatMap((r) =>
      r.kind === 'say' || r.kind === 'message' || r.kind === 'error' ? [r.text] : [],
    );
  }

  async say(text: string): Promise<void> {
    this.#record({ kind: 'say', text });
  }

  async message(text: string): Promise<void> {
    this.#record({ kind: 'message', text });
  }

  async error(text: string): Promise<void> {
    this.#record({ kind: 'error', text });
  }

  async ask(text: string): Promise<string> {
    this.#record({ kind: 'ask', text });
    if (typeof this.#answers === 'function') return this.#answers(text);
    const answer = this.#answers.shift();
    if (answer === undefined)
      throw new Error(`MockUi: no answer planned for question ${JSON.stringify(text)}`);
    return answer;
  }

  async machine(category: string, ...args: string[]): Promise<void> {
    this.#record({ kind: 'machine', category, args });
  }

  async trackProgress(src: string, totalSize: number, currentSize = 0): Promise<ProgressTracker> {
    const record = { kind: 'progress' as const, src, totalSize, done: currentSize, closed: false };
    this.#record(record);
    return {
      add(bytes: number) {
        record.done += bytes;
      },
      async close() {
        record.closed = true;
      },
    };
  }
}
