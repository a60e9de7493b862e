/**
 * End-to-end figures under the real `packer` binary, each against Packer's own Go `null`
 * builder in the same run:
 * - wall time of `packer build` on a trivial template: TS builder vs Go null builder
 *   (target ratio ≤ 1.6).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEntry, timePacker, writeLauncher } from './packer-run.js';
import { median } from './support.js';

const ROUNDS = 15;
const work = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
try {
  const bundle = await bundleEntry(
    fileURLToPath(new URL('./fixtures/lazy-plugin/main.ts', import.meta.url)),
    join(work, 'plugin'),
  );
  const plugins = join(work, 'plugins');
  rmSync(plugins, { recursive: true, force: true });
  mkdirSync(plugins);
  writeLauncher(plugins, 'packer-plugin-lazy', bundle);
  writeFileSync(join(work, 'ts.json'), JSON.stringify({ builders: [{ type: 'lazy-smoke', message: 'hi' }] }));
  writeFileSync(
    join(work, 'go.json'),
    JSON.stringify({ builders: [{ type: 'null', communicator: 'none' }] }),
  );
  const env = { PACKER_PLUGIN_PATH: plugins, TMPDIR: work };

  const ts: number[] = [];
  const go: number[] = [];
  await timePacker(['build', 'ts.json'], work, env); // warm the page cache
  for (let i = 0; i < ROUNDS; i++) {
    go.push(await timePacker(['build', 'go.json'], work, env));
    ts.push(await timePacker(['build', 'ts.json'], work, env));
  }
  const goMs = median(go);
  const tsMs = median(ts);
  console.log(`packer build, trivial template (median of ${ROUNDS}, interleaved)`);
  console.log(`  Go null builder          ${goMs.toFixed(0)} ms`);
  console.log(
    `  TS builder               ${tsMs.toFixed(0)} ms  ratio ${(tsMs / goMs).toFixed(2)} (target <= 1.6)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
