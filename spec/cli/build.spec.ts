import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlugin } from '../../cli/build.js';
import { describePlugin } from '../../cli/describe-plugin.js';
import { isSdkError } from '../../errors/index.js';
import { example, firstLine, fixture, repoFile, scratchDir } from './helpers.js';

const env = { ...process.env, PACKER_SDK_NODE: process.execPath };

describe('cli/build (launcher + bundle)', function () {
  this.timeout(60_000);

  it('writes OUT/packer-plugin-NAME and OUT/NAME.bundle, named after the PluginSet', async () => {
    const out = scratchDir('build');
    const built = await buildPlugin({ entry: example('hello/main.ts'), out });
    expect(built).to.deep.include({
      kind: 'launcher',
      name: 'hello',
      path: join(out, 'packer-plugin-hello'),
    });
    expect(readdirSync(out).sort()).to.deep.equal(['hello.bundle', 'packer-plugin-hello']);
    expect(readFileSync(join(out, 'hello.bundle', 'package.json'), 'utf8')).to.equal('{"type":"module"}\n');
    expect(readFileSync(built.path, 'utf8')).to.match(
      /^#!\/bin\/sh\n# packer-plugin-sdk launcher \{"name":"hello"/,
    );
    const description = await describePlugin(built.path, { env });
    expect(description).to.deep.include({ version: '0.1.0', builders: ['file'] });
  });

  it('starts the component its file name names, also through a symlink (PACKER_SDK_INVOKED_AS)', async () => {
    const out = scratchDir('invoked');
    const built = await buildPlugin({ entry: fixture('kit.ts'), out });
    symlinkSync(built.path, join(out, 'packer-provisioner-kit-echo'));
    const started = await firstLine(join(out, 'packer-provisioner-kit-echo'), [], env);
    expect(started.line, started.stderr).to.match(/^5\|unix\|\/.+$/);
    const wrong = await firstLine(join(out, 'packer-plugin-kit'), [], env);
    expect(wrong.line).to.equal('');
    expect(wrong.stderr).to.contain('no command given');
  });

  it('replaces the previous bundle instead of piling up stale chunks', async () => {
    const out = scratchDir('rebuild');
    await buildPlugin({ entry: fixture('kit.ts'), out });
    writeFileSync(join(out, 'kit.bundle', 'stale-chunk.js'), '');
    await buildPlugin({ entry: fixture('kit.ts'), out, sourcemap: true });
    const files = readdirSync(join(out, 'kit.bundle'));
    expect(files).not.to.include('stale-chunk.js');
    expect(files.some((f) => f.endsWith('.js.map'))).to.equal(true);
  });

  it('takes --name over the PluginSet name, warning that single-component files will not resolve', async () => {
    const out = scratchDir('renamed');
    const warnings: string[] = [];
    const built = await buildPlugin({
      entry: fixture('kit.ts'),
      out,
      name: 'other',
      warn: (m) => warnings.push(m),
    });
    expect(built.name).to.equal('other');
    expect(existsSync(join(out, 'packer-plugin-other'))).to.equal(true);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('the PluginSet is named "kit"');
  });

  it('needs a name from somewhere', async () => {
    const out = scratchDir('unnamed');
    let error: unknown;
    try {
      await buildPlugin({ entry: fixture('unnamed.ts'), out });
    } catch (err) {
      error = err;
    }
    expect(isSdkError(error, 'PKR_ERR_CLI_NAME'), String(error)).to.equal(true);
    const built = await buildPlugin({ entry: fixture('unnamed.ts'), out, name: 'named' });
    expect(built.name).to.equal('named');
  });

  it('falls back to package.json (packer-plugin-NAME) for an unnamed PluginSet', async () => {
    const dir = scratchDir('pkg');
    writeFileSync(join(dir, 'package.json'), '{"name":"packer-plugin-pkgname"}');
    const sdk = JSON.stringify(repoFile('rpc/plugin/index.ts'));
    writeFileSync(
      join(dir, 'main.ts'),
      `import { PluginSet, serve } from ${sdk};\nawait serve(new PluginSet({ version: '1.0.0' }));\n`,
    );
    const built = await buildPlugin({ entry: join(dir, 'main.ts'), out: join(dir, 'dist') });
    expect(built.name).to.equal('pkgname');
  });

  it('refuses an entry it cannot load, unless --name is given (then it only warns)', async () => {
    const dir = scratchDir('no-serve');
    writeFileSync(join(dir, 'main.ts'), 'console.log("no serve here");\n');
    let error: unknown;
    try {
      await buildPlugin({ entry: join(dir, 'main.ts'), out: join(dir, 'dist') });
    } catch (err) {
      error = err;
    }
    expect(isSdkError(error, 'PKR_ERR_CLI_ENTRY'), String(error)).to.equal(true);
    const warnings: string[] = [];
    const built = await buildPlugin({
      entry: join(dir, 'main.ts'),
      out: join(dir, 'dist'),
      name: 'given',
      warn: (m) => warnings.push(m),
    });
    expect(built.name).to.equal('given');
    expect(warnings.join('\n')).to.contain('could not load the entry');
  });

  it('refuses a missing entry', async () => {
    let error: unknown;
    try {
      await buildPlugin({ entry: '/nonexistent/main.ts', out: scratchDir('missing') });
    } catch (err) {
      error = err;
    }
    expect(isSdkError(error, 'PKR_ERR_CLI_USAGE'), String(error)).to.equal(true);
  });
});
