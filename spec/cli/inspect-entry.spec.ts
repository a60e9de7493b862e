import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectEntry } from '../../cli/inspect-entry.js';
import { isSdkError } from '../../errors/index.js';
import { DEFAULT_NAME } from '../../rpc/plugin/constants.js';
import { example, fixture, repoFile, scratchDir } from './helpers.js';

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('cli/inspect-entry', function () {
  this.timeout(60_000);

  it('reads the PluginSet the entry hands to serve(), without serving', async () => {
    const info = await inspectEntry(example('hello/main.ts'));
    expect(info.name).to.equal('hello');
    expect(info.version).to.equal('0.1.0');
    expect(info.names).to.deep.equal({
      builder: ['file'],
      provisioner: [],
      'post-processor': [],
      datasource: [],
    });
    expect(info.components).to.deep.equal([]);
  });

  it('runs every factory for its schemas when asked, data source output included', async () => {
    const info = await inspectEntry(fixture('kit.ts'), { components: true });
    expect(info.components.map((c) => [c.kind, c.name])).to.deep.equal([
      ['builder', DEFAULT_NAME],
      ['provisioner', 'echo'],
      ['post-processor', 'stamp'],
      ['datasource', 'info'],
    ]);
    const [builder, , , datasource] = info.components;
    expect(Object.keys(builder!.configSchema.properties)).to.deep.equal(['note']);
    expect(builder!.outputSchema).to.equal(undefined);
    expect(Object.keys(datasource!.outputSchema!.properties)).to.deep.equal(['answer']);
  });

  it('loads an entry again after it changed (each load is a fresh bundle)', async () => {
    const dir = scratchDir('reload');
    const entry = join(dir, 'main.ts');
    const sdk = repoFile('rpc/plugin/index.ts');
    for (const version of ['1.0.0', '2.0.0']) {
      writeFileSync(
        entry,
        `import { PluginSet, serve } from ${JSON.stringify(sdk)};\nawait serve(new PluginSet({ version: '${version}' }));\n`,
      );
      expect((await inspectEntry(entry)).version).to.equal(version);
    }
  });

  it('refuses an entry that never imports serve()', async () => {
    const dir = scratchDir('no-serve');
    writeFileSync(join(dir, 'main.ts'), 'console.log("not a plugin");\n');
    const err = await failure(inspectEntry(join(dir, 'main.ts')));
    expect(isSdkError(err, 'PKR_ERR_CLI_ENTRY'), String(err)).to.equal(true);
    expect(err.message).to.contain('does not import serve()');
  });

  it('refuses an entry that calls serve() twice', async () => {
    const err = await failure(inspectEntry(fixture('serve-twice.ts')));
    expect(isSdkError(err, 'PKR_ERR_CLI_ENTRY'), String(err)).to.equal(true);
    expect(err.message).to.contain('called serve() 2 times');
  });

  it('reports an entry that throws while loading', async () => {
    const dir = scratchDir('throws');
    const sdk = repoFile('rpc/plugin/index.ts');
    writeFileSync(
      join(dir, 'main.ts'),
      `import { serve } from ${JSON.stringify(sdk)};\nvoid serve;\nthrow new Error('boom at load');\n`,
    );
    const err = await failure(inspectEntry(join(dir, 'main.ts')));
    expect(isSdkError(err, 'PKR_ERR_CLI_ENTRY'), String(err)).to.equal(true);
    expect(err.message).to.contain('boom at load');
  });

  it('lists the bundler errors with file and line', async () => {
    const dir = scratchDir('broken');
    writeFileSync(join(dir, 'main.ts'), "import './missing.js';\n");
    const err = await failure(inspectEntry(join(dir, 'main.ts')));
    expect(isSdkError(err, 'PKR_ERR_CLI_BUNDLE'), String(err)).to.equal(true);
    expect(err.message).to.match(/main\.ts:1:\d+: Could not resolve "\.\/missing\.js"/);
  });
});
