import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePluginEntry } from '../../cli/bundle.js';

const bundles = new Map<string, Promise<string>>();
let workDir: string | undefined;

function scratch(): string {
  if (!workDir) {
    workDir = mkdtempSync(join(tmpdir(), 'pps-plugins-'));
    const dir = workDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return workDir;
}

/** A file under examples/ (example plugins import the built package, so `make build` first). */
export function examplePath(relative: string): string {
  return fileURLToPath(new URL(`../../examples/${relative}`, import.meta.url));
}

/** A plugin fixture under spec/fixtures/plugins/. */
export function fixturePlugin(name: string): string {
  return fileURLToPath(new URL(`../fixtures/plugins/${name}.ts`, import.meta.url));
}

/**
 * Bundles a TypeScript plugin entry into ESM (entry plus lazily loaded chunks), as the
 * packaging CLI does, once per run. Real Packer then runs it through a launcher, like any installed plugin.
 */
export function bundlePlugin(entry: string): Promise<string> {
  let bundle = bundles.get(entry);
  if (!bundle) {
    const outdir = join(scratch(), `${basename(entry, '.ts')}-${bundles.size}`);
    bundle = bundlePluginEntry(entry, outdir);
    bundles.set(entry, bundle);
  }
  return bundle;
}

/**
 * Writes an executable launcher `dir/fileName` that runs the bundle with Node. The invoked
 * name is passed along so a `packer-builder-*` launcher serves that single component.
 */
export function installLauncher(
  dir: string,
  fileName: string,
  bundle: string,
  env: Record<string, string> = {},
): string {
  const path = join(dir, fileName);
  const exports = Object.entries({ PACKER_SDK_INVOKED_AS: '$0', ...env })
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ');
  writeFileSync(path, `#!/bin/sh\n${exports} exec "${process.execPath}" "${bundle}" "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A fresh temporary directory, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(scratch(), `${prefix}-`));
  return dir;
}
