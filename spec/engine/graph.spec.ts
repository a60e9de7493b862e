import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assign, createActor, setup, type AnyMachineSnapshot } from 'xstate';
import {
  createRunner,
  sequence,
  toDot,
  toMachineJson,
  toMermaid,
  type MachineConfigJson,
} from '../../engine/index.js';
import { createRecordingStep } from '../../testing/index.js';

const snapshotDir = fileURLToPath(new URL('./__snapshots__/', import.meta.url));

/** Compares with a stored snapshot; `UPDATE_SNAPSHOTS=1` rewrites it (then review the diff). */
function matchSnapshot(actual: string, file: string): void {
  const path = `${snapshotDir}${file}`;
  if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(path, actual);
  expect(actual).to.equal(readFileSync(path, 'utf8'));
}

const steps = () => [
  createRecordingStep('create-vm', []),
  sequence('provision', [createRecordingStep('connect', []), createRecordingStep('shell', [])]),
  createRecordingStep('export', []),
];

describe('engine/graph', () => {
  it('exports Mermaid with nested sequences', () => {
    matchSnapshot(toMermaid(steps(), 'demo'), 'graph.mmd');
  });

  it('exports DOT with nested sequences as clusters', () => {
    matchSnapshot(toDot(steps(), 'demo'), 'graph.dot');
  });

  it('exports the xstate machine config as JSON', () => {
    matchSnapshot(`${JSON.stringify(toMachineJson(steps(), 'demo'), null, 2)}\n`, 'graph.json');
  });

  it('exports the same graph from a runner as from its steps', () => {
    expect(toMermaid(createRunner(steps(), { name: 'demo' }))).to.equal(toMermaid(steps(), 'demo'));
  });

  it('exports a config xstate itself can load and walk through the nested states', () => {
    const config = toMachineJson(steps(), 'demo');
    const machineSetup = setup({
      guards: { notStarted: () => false },
      actions: { settle: assign({}) },
    });
    const machine = machineSetup.createMachine(
      config as unknown as Parameters<typeof machineSetup.createMachine>[0],
    );
    const actor = createActor(machine).start();
    const seen: unknown[] = [];
    const record = (s: AnyMachineSnapshot): number => seen.push(s.value);
    record(actor.getSnapshot());
    for (const type of ['START', 'CONTINUE', 'CONTINUE', 'CONTINUE', 'CONTINUE']) {
      actor.send({ type });
      record(actor.getSnapshot());
    }
    expect(seen).to.deep.equal([
      'idle',
      { running: 'create-vm' },
      { running: { provision: 'connect' } },
      { running: { provision: 'shell' } },
      { running: 'export' },
      'settled',
    ]);
  });

  it('keeps a child named "done" apart from the final state', () => {
    const config: MachineConfigJson = toMachineJson([sequence('s', [createRecordingStep('done', [])])]);
    const seq = config.states!.running!.states!.s!;
    expect(Object.keys(seq.states!)).to.deep.equal(['done', 'done_']);
  });
});
