/**
 * A small real build on the engine (`npx tsx examples/engine-demo.ts`). It makes a
 * work directory, writes a payload, packs it into a gzip archive next to it, and — with
 * `--fail` — fails at the last step to show rollback: every started step is cleaned up in
 * reverse and nothing is left behind.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { createRunner, keys, stateKey, StateBag, toMermaid, type Step } from '../engine/index.js';
import { MockUi } from '../testing/index.js';

const workDir = stateKey<string>('work_dir');
const artifact = stateKey<string>('artifact');
const fail = process.argv.includes('--fail');

const steps: Step[] = [
  {
    name: 'create-work-dir',
    async run(state) {
      state.put(workDir, await mkdtemp(join(tmpdir(), 'pps-demo-')));
      return 'continue';
    },
    async cleanup(state, { status }) {
      // Keep the directory (it holds the artifact) only when the build succeeded.
      if (status !== 'done') await rm(state.require(workDir), { recursive: true, force: true });
    },
  },
  {
    name: 'write-payload',
    async run(state) {
      const lines = Array.from({ length: 1000 }, (_, i) => `line ${i}: built by packer-plugin-sdk`);
      await writeFile(join(state.require(workDir), 'payload.txt'), lines.join('\n'));
      return 'continue';
    },
  },
  {
    name: 'pack',
    async run(state, { signal }) {
      const dir = state.require(workDir);
      const out = join(dir, 'payload.txt.gz');
      await pipeline(createReadStream(join(dir, 'payload.txt')), createGzip(), createWriteStream(out), {
        signal,
      });
      state.put(artifact, out);
      return 'continue';
    },
  },
  {
    name: 'checksum',
    async run(state) {
      if (fail) throw new Error('checksum service unavailable (--fail)');
      const hash = createHash('sha256');
      await pipeline(createReadStream(state.require(artifact)), hash);
      await state.require(keys.ui).say(`sha256 ${hash.digest('hex')}`);
      return 'continue';
    },
  },
];

const ui = new MockUi();
const runner = createRunner(steps, { name: 'demo' });
runner.events$.subscribe((e) => {
  if (e.type.startsWith('step.') || e.type.startsWith('cleanup.'))
    console.log(`  ${e.type.padEnd(17)} ${e.path.join('/')}`);
});
console.log('step graph (Mermaid):\n' + toMermaid(runner));
const state = new StateBag([[keys.ui, ui]]);
const outcome = await runner.run(state);
for (const line of ui.lines) console.log(`==> demo: ${line}`);
console.log(`build ${outcome.status}${outcome.error ? `: ${(outcome.error as Error).message}` : ''}`);
if (outcome.status === 'done') {
  const file = state.require(artifact);
  console.log(`artifact: ${file} (${(await stat(file)).size} bytes)`);
} else {
  process.exitCode = 1;
}
