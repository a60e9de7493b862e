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

/**
 * Native add-ons (ssh2's optional crypto and cpu-features bindings) stay outside the bundle:
 * their require() then fails at run time, which those packages expect and catch, falling back
 * to pure JavaScript. Bundling them is impossible anyway when their install scripts never ran.
 */
const nativeAddonsOptional: Plugin = {
  name: 'native-addons-optional',
  setup(b) {
    b.onResolve({ filter: /\.node$/ }, (args) => ({ path: args.path, external: true }));
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
    // Bundled CommonJS dependencies still call require().
    banner: {
      js: "import { createRequire as __sdkCreateRequire } from 'node:module'; const require = __sdkCreateRequire(import.meta.url);",
    },
    plugins: [rxjsEsm, nativeAddonsOptional],
    logLevel: 'error',
  });
  return join(outdir, basename(entry).replace(/\.[cm]?[jt]s$/, '.js'));
}
