/**
 * Engine overhead: 10,000 no-op steps through the runner vs a bare `for await` loop doing the
 * same calls (run in order, cleanup in reverse), in the same process. Prints medians over
 * several rounds, the ratio, the per-step overhead and peak RSS.
 */
import { createActor } from 'xstate';
import { createRunner, silentLogger, StateBag, type Step } from '../engine/index.js';
import { median, time } from './support.js';

const N = 10_000;
const ROUNDS = 7;

const steps: Step[] = Array.from({ length: N }, (_, i) => ({
  name: `s${i}`,
  run: async () => 'continue' as const,
  cleanup: async () => undefined,
}));

async function bareLoop(): Promise<void> {
  const state = new StateBag();
  const ctx = {
    signal: new AbortController().signal,
    events: { emit: () => undefined },
    path: [],
    log: silentLogger,
  };
  const started: Step[] = [];
  for (const step of steps) {
    started.push(step);
    if ((await step.run(state, ctx)) !== 'continue') break;
  }
  for (let i = started.length - 1; i >= 0; i--)
    await started[i]!.cleanup?.(state, { status: 'done', events: ctx.events, path: [], log: silentLogger });
}

const buildStart = performance.now();
const runner = createRunner(steps);
void runner.machine; // build the machine outside the timed runs
const buildMs = performance.now() - buildStart;

/**
 * The machine alone: the same events the runner sends for a clean run, with no steps, state
 * bag, events or records. What is left is xstate's own cost of one transition per step, the
 * floor of any runner that models each step as a state.
 */
async function machineOnly(): Promise<void> {
  const actor = createActor(runner.machine).start();
  actor.send({ type: 'START' });
  for (let i = 0; i < N; i++) actor.send({ type: 'CONTINUE' });
  actor.send({ type: 'CLEANUP' });
  for (let i = 0; i < N; i++) actor.send({ type: 'NEXT' });
  actor.stop();
}

const bare: number[] = [];
const engine: number[] = [];
const machine: number[] = [];
await bareLoop();
await runner.run();
await machineOnly();
for (let r = 0; r < ROUNDS; r++) {
  bare.push(await time(bareLoop));
  engine.push(await time(() => runner.run()));
  machine.push(await time(machineOnly));
}
const bareMs = median(bare);
const engineMs = median(engine);
const machineMs = median(machine);
const rssMiB = process.resourceUsage().maxRSS / 1024;

console.log(`engine: ${N} no-op steps, median of ${ROUNDS} rounds`);
console.log(`  bare for-await loop        ${bareMs.toFixed(2)} ms`);
console.log(`  runner (xstate machine)    ${engineMs.toFixed(2)} ms`);
console.log(
  `  machine transitions only   ${machineMs.toFixed(2)} ms  (xstate's share of the runner: ${((100 * machineMs) / engineMs).toFixed(0)}%)`,
);
console.log(`  ratio runner / bare        ${(engineMs / bareMs).toFixed(1)}  (target <= 2)`);
console.log(
  `  ratio machine-only / bare  ${(machineMs / bareMs).toFixed(1)}  (the floor for one xstate state per step)`,
);
console.log(`  runner overhead per step   ${(((engineMs - bareMs) * 1000) / N).toFixed(1)} µs`);
console.log(`  machine build (once)       ${buildMs.toFixed(0)} ms for ${2 * N} step states`);
console.log(`  peak RSS                   ${rssMiB.toFixed(0)} MiB`);
