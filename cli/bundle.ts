import { writeFileSync } from 'node:fs';
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
  /** Extra esbuild plugins, run before the SDK's own (the packaging CLI swaps modules with them). */
  plugins?: readonly Plugin[];
  /** Write `.map` files next to the output. Default false. */
  sourcemap?: boolean;
}

/**
 * Bundles a plugin's entry into `outdir` as ESM with code splitting: the entry (what the
 * handshake needs) stays small and components imported with `import()` load later. Returns
 * the path of the entry's output file.
 *
 * `outdir` also gets a `package.json` saying `"type": "module"`, so Node loads the `.js`
 * files as ES modules wherever the directory is copied, without guessing from their syntax.
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
    sourcemap: options.sourcemap ?? false,
    // Bundled CommonJS dependencies still call require() and read __dirname/__filename (ssh2's
    // agent module does at load time), which ES modules do not have. `define` only rewrites
    // free references, so a module that declares its own __dirname keeps it.
    banner: {
      js: [
        "import { createRequire as __sdkCreateRequire } from 'node:module';",
        "import { fileURLToPath as __sdkFileURLToPath } from 'node:url';",
        'const require = __sdkCreateRequire(import.meta.url);',
        'const __sdkFilename = __sdkFileURLToPath(import.meta.url);',
        "const __sdkDirname = __sdkFileURLToPath(new URL('.', import.meta.url));",
      ].join(' '),
    },
    define: { __dirname: '__sdkDirname', __filename: '__sdkFilename' },
    plugins: [...(options.plugins ?? []), rxjsEsm, nativeAddonsOptional],
    logLevel: 'silent',
  });
  writeFileSync(join(outdir, 'package.json'), '{"type":"module"}\n');
  return join(outdir, basename(entry).replace(/\.[cm]?[jt]s$/, '.js'));
}
