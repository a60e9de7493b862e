import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';

const require = createRequire(import.meta.url);

/**
 * rxjs's package exports its CommonJS build to the `node` condition, which esbuild includes
 * on its node platform; that build cannot be tree-shaken (336 KiB for the two classes the
 * engine uses). Point bundles at rxjs's ES2015 module build instead.
 */
const rxjsEsm: Plugin = {
  name: 'rxjs-esm',
  setup(b) {
    const root = dirname(require.resolve('rxjs/package.json'));
    b.onResolve({ filter: /^rxjs$/ }, () => ({ path: join(root, 'dist/esm/index.js') }));
  },
};

export interface BundleOptions {
  /** Minify (names kept, so stack traces stay readable). Default false. */
  minify?: boolean;
}

/**
 * Bundles a plugin's entry into `outdir` as ESM with code splitting: the entry (what the
 * handshake needs) stays small and components imported with `import()` load later. Returns
 * the path of the entry's output file.
 */
export async function bundlePluginEntry(
  entry: string,
  outdir: string,
  options: BundleOptions = {},
): Promise<string> {
  await build({
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir,
    minify: options.minify ?? false,
    keepNames: true,
    // ssh2's optional native add-ons: it falls back to pure JavaScript without them.
    loader: { '.node': 'empty' },
    // Bundled CommonJS dependencies still call require().
    banner: {
      js: "import { createRequire as __sdkCreateRequire } from 'node:module'; const require = __sdkCreateRequire(import.meta.url);",
    },
    plugins: [rxjsEsm],
    logLevel: 'error',
  });
  return join(outdir, basename(entry).replace(/\.[cm]?[jt]s$/, '.js'));
}
