import { expect } from 'chai';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initPlugin } from '../../cli/init.js';
import { isSdkError } from '../../errors/index.js';
import { repoFile, scratchDir } from './helpers.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isSdkError(err) ? err.code : String(err);
  }
  return undefined;
}

describe('cli/init', () => {
  it('scaffolds a plugin named after its directory, depending on this SDK through file:', () => {
    const dir = join(scratchDir('init'), 'packer-plugin-acme');
    const files = initPlugin({ dir }).map((f) => f.slice(dir.length + 1));
    expect(files.sort()).to.deep.equal(
      [
        '.gitignore',
        '.mocharc.json',
        'Makefile',
        'README.md',
        'builder.ts',
        'example.pkr.hcl',
        'main.ts',
        'package.json',
        'spec/builder.acc.spec.ts',
        'spec/steps.spec.ts',
        'steps.ts',
        'tsconfig.json',
      ].sort(),
    );
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.name).to.equal('packer-plugin-acme');
    const sdk = pkg.dependencies['packer-plugin-sdk']!;
    expect(sdk).to.match(/^file:/);
    expect(resolve(dir, sdk.slice('file:'.length))).to.equal(repoFile('').replace(/\/$/, ''));
    const ours = JSON.parse(readFileSync(repoFile('package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    for (const [tool, version] of Object.entries(pkg.devDependencies))
      expect(version, tool).to.equal(ours.devDependencies[tool]);
    expect(Object.keys(pkg.devDependencies)).to.include.members(['mocha', 'chai', 'tsx', 'typescript']);
    expect(readFileSync(join(dir, 'main.ts'), 'utf8')).to.contain(
      "new PluginSet({ name: 'acme', version: '0.1.0' })",
    );
    expect(readFileSync(join(dir, 'example.pkr.hcl'), 'utf8')).to.contain('source "acme-file" "example"');
    expect(readFileSync(join(dir, 'Makefile'), 'utf8')).to.match(
      /^build: ## .+\n\tnpx packer-plugin-sdk build main\.ts --out dist$/m,
    );
  });

  it('takes --name and --sdk', () => {
    const dir = join(scratchDir('init-named'), 'whatever');
    initPlugin({ dir, name: 'named', sdk: '^0.1.0' });
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      dependencies: Record<string, string>;
    };
    expect(pkg).to.deep.include({
      name: 'packer-plugin-named',
      dependencies: { 'packer-plugin-sdk': '^0.1.0' },
    });
  });

  it('never writes into a directory that has files, and refuses unusable names', () => {
    const dir = scratchDir('init-full');
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    expect(codeOf(() => initPlugin({ dir, name: 'x' }))).to.equal('PKR_ERR_CLI_INIT_TARGET');
    expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).to.equal('mine');
    const empty = join(scratchDir('init-empty'), 'Bad_Name');
    mkdirSync(empty);
    expect(codeOf(() => initPlugin({ dir: empty }))).to.equal('PKR_ERR_CLI_NAME');
  });
});
