import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MockUi } from '../../testing/index.js';
import { killObserved, startObserved, type RecordedPlugin } from './support/observed-plugin.js';

const PASSWORD = 'hunter2-very-secret';

async function build(plugin: RecordedPlugin): Promise<MockUi> {
  const prepared = await plugin.builder.prepare([{ password: PASSWORD }]);
  expect(prepared.error).to.equal(undefined);
  const ui = new MockUi();
  await plugin.builder.run(ui);
  return ui;
}

/** Source text of the bundle chunks a process loaded (esbuild keeps module path comments). */
function loadedSource(plugin: RecordedPlugin): string {
  return plugin
    .loads()
    .filter((url) => url.startsWith('file:') && url.endsWith('.js'))
    .map((url) => readFileSync(fileURLToPath(url), 'utf8'))
    .join('\n');
}

describe('plugin logging (a real plugin process, PACKER_LOG levels)', function () {
  this.timeout(60_000);
  afterEach(killObserved);

  it('writes nothing to stdout but the handshake line, even when a step prints', async () => {
    const plugin = await startObserved();
    await build(plugin);
    const lines = plugin.stdout().split('\n');
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^5\|\d+\|unix\|\/.+$/);
    expect(lines[1]).to.equal('');
    // What the step printed went to stderr, where core relays it into its log.
    expect(plugin.stderr()).to.include('console.log from a step');
    expect(plugin.stderr()).to.include('process.stdout.write from a step');
  });

  for (const value of [undefined, '', '0']) {
    it(`writes info and above, no debug, with PACKER_LOG=${JSON.stringify(value)}`, async () => {
      const plugin = await startObserved(value === undefined ? {} : { PACKER_LOG: value });
      await build(plugin);
      const stderr = plugin.stderr();
      expect(stderr.filter((l) => l.startsWith('[DEBUG]'))).to.deep.equal([]);
      expect(stderr).to.include('[INFO] prepare done step=prepare');
      expect(stderr).to.include('[WARN] at wait-here step=wait-here');
    });
  }

  for (const value of ['1', 'true']) {
    it(`adds debug lines with PACKER_LOG=${value}, before and after the handshake`, async () => {
      const plugin = await startObserved({ PACKER_LOG: value });
      await build(plugin);
      const stderr = plugin.stderr();
      expect(stderr.some((l) => /^\[DEBUG\] handshake: modern /.test(l))).to.equal(true);
      expect(stderr).to.include('[DEBUG] preparing step=prepare password=<sensitive> message=hello');
      expect(stderr).to.include('[INFO] prepare done step=prepare');
    });
  }

  it('never shows a sensitive config value on stderr or in the Ui', async () => {
    const plugin = await startObserved({ PACKER_LOG: '1' });
    const ui = await build(plugin);
    expect(plugin.stderr().join('\n')).not.to.contain(PASSWORD);
    expect(ui.lines).to.include('connecting with <sensitive>');
    expect(ui.lines.join('\n')).not.to.contain(PASSWORD);
  });

  it('loads winston once there is a line to write, and grpc-js only when build control is asked for', async () => {
    const quiet = await startObserved({}, { recordLoads: true, fixture: 'contract' });
    expect((await quiet.builder.prepare([{ message: 'm' }])).error).to.equal(undefined);
    await quiet.builder.run(new MockUi());
    const quietSource = loadedSource(quiet);
    expect(quietSource).to.contain('observability/lazy-logger.ts');
    expect(quietSource).not.to.contain('node_modules/winston/');
    expect(quietSource).not.to.contain('node_modules/@grpc/grpc-js/');

    const talking = await startObserved({}, { recordLoads: true });
    await build(talking);
    const source = loadedSource(talking);
    expect(source).to.contain('node_modules/winston/');
    expect(source).not.to.contain('node_modules/@grpc/grpc-js/');

    const controlled = await startObserved({ PACKER_SDK_CONTROL: `tcp:127.0.0.1:0` }, { recordLoads: true });
    await build(controlled);
    expect(loadedSource(controlled)).to.contain('node_modules/@grpc/grpc-js/');
  });
});
