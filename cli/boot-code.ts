import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { SdkError } from '../errors/index.js';
import type { BootManifest } from './boot/manifest.js';

/**
 * A module of the CLI's own tree as a file esbuild can read: the compiled `.js` when the CLI
 * runs from the installed package, the `.ts` source when it runs from a checkout.
 */
export function cliSourceFile(relativePath: string): string {
  const js = fileURLToPath(new URL(`${relativePath}.js`, import.meta.url));
  if (existsSync(js)) return js;
  const ts = fileURLToPath(new URL(`${relativePath}.ts`, import.meta.url));
  if (existsSync(ts)) return ts;
  throw new SdkError(
    'PKR_ERR_CLI_BUNDLE',
    `the CLI's own module ${relativePath} is missing (broken install?)`,
  );
}

/**
 * The boot code of a self-contained plugin, as one plain script with the manifest compiled in.
 * `sea`: main script of a single executable; `script`: body of a single-file launcher.
 */
export async function bootCode(kind: 'sea' | 'script', manifest: BootManifest): Promise<string> {
  const result = await build({
    entryPoints: [cliSourceFile(kind === 'sea' ? './boot/sea-main' : './boot/script-main')],
    bundle: true,
    // An IIFE is valid both as a CommonJS script and as an ES module (see boot/materialise.ts).
    format: 'iife',
    platform: 'node',
    target: 'node20',
    write: false,
    minifySyntax: true,
    define: { __PACKER_SDK_BOOT__: JSON.stringify(manifest) },
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new SdkError('PKR_ERR_CLI_BUNDLE', 'the boot code produced no output');
  return output.text;
}
