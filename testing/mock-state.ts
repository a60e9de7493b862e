import { StateBag, type StateKey } from '../engine/state.js';

/** One initial entry of a mocked state bag. */
export type StateSeed = readonly [StateKey<unknown>, unknown];

/**
 * A state bag for unit-testing one step, pre-filled with what earlier steps would have put.
 * @example
 * const state = createMockState([[keys.ui, new MockUi()], [vmId, 'i-123']]);
 */
export function createMockState(entries: readonly StateSeed[] = []): StateBag {
  return new StateBag(entries);
}
