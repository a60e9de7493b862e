/**
 * What observability costs a plugin that does not ask for build control. Three bundles of the
 * contract fixture plugin, built the way the packaging CLI builds them:
 * - baseline: the session's observability imports swapped for stubs at bundle time, so the
 *   bundle holds nothing of observability/ — the plugin as it was before;
 * - shipped: as it is, PACKER_SDK_CONTROL unset (winston would load with the first log line,
 *   and this plugin logs none; grpc-js must not load at all);
 * - control: as it is, PACKER_SDK_CONTROL set (grpc-js loads and the service starts).
 * For each: spawn → handshake line, and a full loopback build (spawn, handshake, connect,
 * Prepare, Run with Ui output and progress, artifact, SIGKILL), medians of interleaved runs.
 * Target: shipped ≤ 1.02 × baseline for both.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';
import { bundlePluginEntry } from '../cli/bundle.js';
import { CoreBuilderClient } from '../rpc/core/component-clients.js';
import { startPlugin } from '../rpc/core/plugin-process.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../rpc/plugin/constants.js';
import { MockUi } from '../testing/index.js';
import { median, timeToFirstLine } from './support.js';

const ROUNDS = 41;
const dir = mkdtempSync(join(tmpdir(), 'bench-control-'));
const entry = fileURLToPath(new URL('../spec/fixtures/plugins/contract.ts', import.meta.url));

/**
 * Swaps the session's two observability imports for stubs — no lazy logger (the session then
 * logs through its plain stderr writer, as before) and the control variable's name — so the
 * baseline bundle holds no observability code at all.
 */
const withoutObservability: Plugin = {
  name: 'bench-without-observability',
  setup(b) {
    const stubs: Record<string, string> = {
      'lazy-logger': 'export function createLazyLogger() { return undefined; }\n',
      'control-address': "export const CONTROL_ENV = 'PACKER_SDK_CONTROL';\n",
    };
    for (const [name, source] of Object.entries(stubs)) writeFileSync(join(dir, `${name}-stub.mjs`), source);
    b.onResolve({ filter: /observability\/(lazy-logger|control-address)\.js$/ }, (args) => ({
      path: join(dir, `${/(lazy-logger|control-address)/.exec(args.path)![1]!}-stub.mjs`),
    }));
  },
};

/** Bundled as the packaging CLI bundles plugins (code splitting, lazily loaded chunks). */
function bundle(name: string, plugins: Plugin[] = []): Promise<string> {
  return bundlePluginEntry(entry, join(dir, name), { plugins });
}

function toHandshake(main: string, env: NodeJS.ProcessEnv): Promise<number> {
  return timeToFirstLine([main, 'start', 'builder', 'builder'], {
    ...env,
    [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
    TMPDIR: dir,
  });
}

async function fullBuild(main: string, env: NodeJS.ProcessEnv): Promise<number> {
  const start = process.hrtime.bigint();
  const conn = await startPlugin(process.execPath, {
    args: [main, 'start', 'builder', 'builder'],
    env: { ...env, TMPDIR: dir },
  });
  const builder = await CoreBuilderClient.connect(conn);
  const prepared = await builder.prepare([{ message: 'bench' }]);
  if (prepared.error) throw new Error(prepared.error);
  await builder.run(new MockUi());
  await conn.kill();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

try {
  const bundles = {
    baseline: await bundle('baseline', [withoutObservability]),
    shipped: await bundle('shipped'),
  };
  const controlSocket = (i: number): string => join(dir, `control-${i}.sock`);
  const variants = [
    { name: 'baseline (no observability/)', main: bundles.baseline, env: (): NodeJS.ProcessEnv => ({}) },
    { name: 'shipped, control unset', main: bundles.shipped, env: (): NodeJS.ProcessEnv => ({}) },
    {
      name: 'shipped, PACKER_SDK_CONTROL set',
      main: bundles.shipped,
      env: (i: number): NodeJS.ProcessEnv => ({ PACKER_SDK_CONTROL: controlSocket(i) }),
    },
  ];
  const handshake = variants.map(() => [] as number[]);
  const build = variants.map(() => [] as number[]);
  // Warm the file cache, then interleave (rotating the order) so drift and other load on the
  // machine hit every variant alike.
  for (const v of variants) await fullBuild(v.main, v.env(-1));
  for (let i = 0; i < ROUNDS; i++) {
    for (let j = 0; j < variants.length; j++) {
      const k = (i + j) % variants.length;
      const v = variants[k]!;
      handshake[k]!.push(await toHandshake(v.main, v.env(i)));
      build[k]!.push(await fullBuild(v.main, v.env(i)));
    }
  }
  // The median says what a run typically costs; the minimum is the least disturbed run, the
  // better view of what the code itself adds when the machine is shared.
  const stats = (runs: number[][]): { med: number[]; min: number[] } => ({
    med: runs.map(median),
    min: runs.map((r) => Math.min(...r)),
  });
  const hs = stats(handshake);
  const full = stats(build);
  console.log(
    `plugin start-up and a full loopback build, contract fixture (${ROUNDS} interleaved runs each)`,
  );
  const row = (label: string, s: { med: number[]; min: number[] }, k: number): string => {
    const ratio = (values: number[]): string =>
      k === 0 ? '      ' : `${(values[k]! / values[0]!).toFixed(3)}`;
    return `${label} median ${s.med[k]!.toFixed(1).padStart(6)} ms (ratio ${ratio(s.med)})  min ${s.min[k]!.toFixed(1).padStart(6)} ms (ratio ${ratio(s.min)})`;
  };
  for (const [k, v] of variants.entries()) {
    console.log(`  ${v.name}`);
    console.log(row('    handshake', hs, k));
    console.log(row('    build    ', full, k));
  }
  console.log('  target: shipped with control unset <= 1.02 x baseline (handshake and build)');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
