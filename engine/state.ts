import { SdkError } from '../errors/index.js';

/**
 * A typed key into the state bag. The type parameter exists only at compile time: the
 * key's identity is the object itself, so two keys with the same name never collide.
 */
export interface StateKey<T> {
  readonly name: string;
  /** Masked in snapshots handed to logs or the build-control service. */
  readonly sensitive: boolean;
  /** Phantom field carrying T; never set. */
  readonly __type?: T;
}

export interface StateKeyOptions {
  sensitive?: boolean;
}

/**
 * Declares a state key.
 * @example
 * const vmId = stateKey<string>('vmId');
 * state.put(vmId, 'i-123');
 * const id: string = state.require(vmId);
 */
export function stateKey<T>(name: string, options: StateKeyOptions = {}): StateKey<T> {
  return Object.freeze({ name, sensitive: options.sensitive ?? false });
}

/** What a step sees: the shared bag, remembering which step is asking. */
export interface State {
  get<T>(key: StateKey<T>): T | undefined;
  /** Like `get`, but a missing key is a coded error naming the key and the asking step. */
  require<T>(key: StateKey<T>): T;
  put<T>(key: StateKey<T>, value: NoInfer<T>): void;
  has(key: StateKey<unknown>): boolean;
  delete(key: StateKey<unknown>): boolean;
}

export interface StateEntry {
  readonly key: StateKey<unknown>;
  readonly value: unknown;
}

/**
 * The state bag shared by the steps of one build. The runner hands each step a view that
 * knows the step's path, so `require` can say who asked.
 */
export class StateBag implements State {
  readonly #values = new Map<StateKey<unknown>, unknown>();
  readonly #asker: string | undefined;
  readonly #root: StateBag | undefined;

  constructor(
    entries: Iterable<readonly [StateKey<unknown>, unknown]> = [],
    root?: StateBag,
    asker?: string,
  ) {
    this.#root = root;
    this.#asker = asker;
    for (const [key, value] of entries) this.#store.set(key, value);
  }

  get #store(): Map<StateKey<unknown>, unknown> {
    return this.#root ? this.#root.#values : this.#values;
  }

  get<T>(key: StateKey<T>): T | undefined {
    return this.#store.get(key) as T | undefined;
  }

  require<T>(key: StateKey<T>): T {
    const store = this.#store;
    if (!store.has(key)) {
      const who = this.#asker === undefined ? 'the caller' : `step "${this.#asker}"`;
      throw new SdkError(
        'PKR_ERR_STATE_MISSING',
        `${who} requires state key "${key.name}", but no step has put it`,
        {
          details: { key: key.name, step: this.#asker },
        },
      );
    }
    return store.get(key) as T;
  }

  put<T>(key: StateKey<T>, value: NoInfer<T>): void {
    this.#store.set(key, value);
  }

  has(key: StateKey<unknown>): boolean {
    return this.#store.has(key);
  }

  delete(key: StateKey<unknown>): boolean {
    return this.#store.delete(key);
  }

  /** A view on the same values whose `require` errors name `asker` (a step path). */
  viewFor(asker: string): StateBag {
    return new StateBag([], this.#root ?? this, asker);
  }

  /** Every entry, in insertion order. */
  entries(): StateEntry[] {
    return [...this.#store].map(([key, value]) => ({ key, value }));
  }
}
