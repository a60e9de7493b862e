import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = (p: string): string => fileURLToPath(new URL(`../${p}`, import.meta.url));
const pkg = JSON.parse(readFileSync(root('package.json'), 'utf8')) as {
  type: string;
  engines: { node: string };
  exports: Record<string, string | { types: string; import: string }>;
};
// tsconfig.json allows comments; strip them before parsing.
const tsconfig = JSON.parse(readFileSync(root('tsconfig.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')) as {
  compilerOptions: { paths: Record<string, string[]> };
};

describe('package', () => {
  it('is ESM for Node ≥ 20 with bundled type declarations', () => {
    expect(pkg.type).to.equal('module');
    expect(pkg.engines.node).to.equal('>=20');
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (subpath === './package.json') continue;
      expect(target, subpath).to.have.keys(['types', 'import']);
    }
  });

  it('maps every public subpath to a source entry, in exports and in tsconfig paths alike', () => {
    const paths = tsconfig.compilerOptions.paths;
    const subpaths = Object.keys(pkg.exports).filter((s) => s !== './package.json');
    expect(Object.keys(paths).sort()).to.deep.equal(
      subpaths.map((s) => `packer-plugin-sdk${s.slice(1)}`).sort(),
    );
    for (const subpath of subpaths) {
      const target = pkg.exports[subpath] as { import: string };
      const source = paths[`packer-plugin-sdk${subpath.slice(1)}`]![0]!;
      expect(existsSync(root(source)), source).to.equal(true);
      // dist/x/index.js is compiled from x/index.ts
      expect(target.import.replace(/^\.\/dist\//, './').replace(/\.js$/, '.ts'), subpath).to.equal(source);
    }
  });
});
