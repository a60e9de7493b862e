import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runGraphCommand } from '../../observability/cli-graph.js';
import { bundlePlugin, fixturePlugin, tempDir } from '../support/plugin-bundle.js';

async function graph(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _enc, done) {
        append(chunk.toString());
        done();
      },
    });
  const code = await runGraphCommand(argv, {
    stdout: sink((s) => (stdout += s)),
    stderr: sink((s) => (stderr += s)),
  });
  return { code, stdout, stderr };
}

describe('observability/cli-graph (the plugin started as Packer would, asked over build control)', function () {
  this.timeout(120_000);
  const entry = fixturePlugin('observed');

  it('prints a plugin entry’s builder as Mermaid by default', async () => {
    const run = await graph([entry, 'builder']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^stateDiagram-v2\n/);
    for (const step of ['prepare', 'wait-here', 'finish', 'write', 'announce'])
      expect(run.stdout).to.contain(`"${step}"`);
    expect(run.stdout).not.to.contain('"extra"');
  });

  it('follows the config, and prints DOT from a bundle', async () => {
    const config = join(tempDir('graph'), 'config.json');
    writeFileSync(config, JSON.stringify([{ extra_step: true }, { packer_build_name: 'nightly' }]));
    const run = await graph([await bundlePlugin(entry), 'builder', '--format', 'dot', '--config', config]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^digraph "nightly" \{/);
    expect(run.stdout).to.contain('label="extra"');
    expect(run.stdout.trimEnd().endsWith('}')).to.equal(true);
  });

  it('prints the xstate machine config as JSON', async () => {
    const run = await graph([entry, 'builder', '--format', 'json']);
    expect(run.code, run.stderr).to.equal(0);
    const machine = JSON.parse(run.stdout) as { id: string; states: Record<string, unknown> };
    expect(machine.id).to.equal('sdk_observed');
    expect(Object.keys(machine.states)).to.include.members(['idle', 'running', 'cleanup']);
  });

  it('reports what went wrong: bad config, unknown builder, a builder without a step list', async () => {
    const config = join(tempDir('graph'), 'bad.json');
    writeFileSync(config, JSON.stringify({ no_such_field: 1 }));
    const bad = await graph([entry, 'builder', '--config', config]);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.contain('PKR_ERR_CONFIG_INVALID').and.to.contain('no_such_field');
    const unknown = await graph([entry, 'nope']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.contain('PKR_ERR_GRAPH_PLUGIN').and.to.contain('no builder named "nope"');
    const manual = await graph([entry, 'manual']);
    expect(manual.code).to.equal(1);
    expect(manual.stderr).to.contain('PKR_ERR_GRAPH_UNSUPPORTED');
  });

  it('refuses bad arguments with exit code 2 and the usage', async () => {
    for (const argv of [[], [entry], [entry, 'builder', '--format', 'png'], [entry, 'builder', '--config']]) {
      const run = await graph(argv);
      expect(run.code, argv.join(' ')).to.equal(2);
      expect(run.stderr).to.contain('usage: packer-plugin-sdk graph');
    }
    const config = join(tempDir('graph'), 'list.json');
    writeFileSync(config, '[1, 2]');
    expect((await graph([entry, 'builder', '--config', config])).code).to.equal(2);
  });
});
