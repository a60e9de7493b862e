import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { CoreBuilderClient } from '../../../rpc/core/index.js';
import { decodeSpecGob, decodeSpecProtobuf } from '../../../rpc/hclspec/index.js';
import { MockUi } from '../../../testing/index.js';
import { killPlugins, startFixture, stderrOf } from '../../support/loopback.js';

const START = ['start', 'builder', 'builder'];

describe('rpc/services/builder (over a real socket, TS core side)', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'builder-spec-'))));
  afterEach(async () => {
    await killPlugins();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers ConfigSpec in gob, decoding to the spec derived from the schema', async () => {
    const builder = await CoreBuilderClient.connect(await startFixture('contract', START));
    const spec = decodeSpecGob(await builder.configSpec());
    expect(Object.keys(spec).sort()).to.deep.equal(
      [
        'crash',
        'disk',
        'fail_with',
        'legacy_option',
        'marker_file',
        'message',
        'provision',
        'tags',
        'wait_for_cancel',
        'work_dir',
      ].sort(),
    );
    expect(spec.message).to.deep.equal({
      kind: 'attr',
      name: 'message',
      type: { kind: 'string' },
      required: false,
    });
    expect(spec.tags).to.deep.equal({
      kind: 'attr',
      name: 'tags',
      type: { kind: 'list', element: { kind: 'string' } },
      required: false,
    });
    expect(spec.disk!.kind).to.equal('blockList');
  });

  it('answers ConfigSpec in protobuf when started with --protobuf, with the 4-field handshake', async () => {
    const conn = await startFixture('contract', ['start', 'builder', '--protobuf', 'builder'], {
      protobuf: true,
    });
    expect(conn.handshake.flavor).to.equal('modern');
    const builder = await CoreBuilderClient.connect(conn);
    const bytes = await builder.configSpec();
    const spec = decodeSpecProtobuf(bytes);
    expect(spec.message).to.deep.include({ kind: 'attr', name: 'message' });
  });

  it('prints the 3-field handshake when run as a legacy packer-builder-* binary', async () => {
    const conn = await startFixture('contract', [], {
      expect: 'legacy',
      env: { PACKER_SDK_INVOKED_AS: '/x/packer-builder-builder' },
    });
    expect(conn.handshake.flavor).to.equal('legacy');
    const builder = await CoreBuilderClient.connect(conn);
    expect((await builder.prepare([{ message: 'hi' }])).error).to.equal(undefined);
  });

  it('returns generated vars and every config problem through Prepare', async () => {
    const builder = await CoreBuilderClient.connect(await startFixture('contract', START));
    const ok = await builder.prepare([
      { message: 'hi' },
      { packer_build_name: 'b', packer_builder_type: 'contract-builder' },
    ]);
    expect(ok).to.deep.equal({ generatedVars: ['Message', 'DiskCount'], warnings: [], error: undefined });
    const bad = await builder.prepare([{ mesage: 'x', disk: [{ size: 'big' }] }]);
    expect(bad.error).to.equal(
      '[PKR_ERR_CONFIG_INVALID] 3 errors occurred:\n* disk[0].size: expected an integer, got string "big"\n* mesage: unknown field (did you mean "message"?)\n* message: is required',
    );
  });

  it('runs a build: Ui lines, progress, artifact with generated data', async () => {
    const builder = await CoreBuilderClient.connect(await startFixture('contract', START));
    await builder.prepare([
      { message: 'hello', tags: ['a', 'b'], disk: [{ size: 1 }, { size: 2 }], work_dir: dir },
    ]);
    const ui = new MockUi();
    const artifact = await builder.run(ui);
    expect(ui.records).to.deep.equal([
      { kind: 'say', text: 'hello' },
      { kind: 'message', text: 'tags: a,b' },
      { kind: 'progress', src: 'payload.bin', totalSize: 1000, done: 1000, closed: true },
    ]);
    expect(await artifact!.builderId()).to.equal('sdk.contract');
    expect(await artifact!.id()).to.equal('contract-hello');
    expect(await artifact!.files()).to.deep.equal([`${dir}/artifact.txt`]);
    expect(await artifact!.string()).to.equal('contract artifact for hello');
    expect(await artifact!.state('generated_data')).to.deep.equal({ Message: 'hello', DiskCount: 2 });
    expect(await artifact!.state('custom')).to.equal('value');
    expect(await artifact!.state('nothing')).to.equal(null);
  });

  it('runs the provisioning hook through the builder’s communicator, as core’s provisioners do', async () => {
    const builder = await CoreBuilderClient.connect(await startFixture('contract', START));
    await builder.prepare([{ message: 'hooked', provision: true, work_dir: dir }]);
    const seen: unknown[] = [];
    await builder.run(new MockUi(), async ({ name, data, communicator, ui }) => {
      seen.push(name, data);
      await ui.say('running a provisioner');
      // Upload a binary payload (non-UTF-8 bytes), run commands, download it back.
      const payload = Buffer.from([0, 255, 254, 128, 10, 13, 0x80, 0xc3]);
      const src = new PassThrough();
      const uploading = communicator.upload(join(dir, 'payload.bin'), src, {
        name: 'payload.bin',
        size: payload.length,
        mode: 0o640,
      });
      src.end(payload);
      await uploading;
      expect(readFileSync(join(dir, 'payload.bin'))).to.deep.equal(payload);
      for (const [command, status] of [
        ['true', 0],
        ['false', 1],
        ['no-such-command-xyz', 127],
      ] as const) {
        const started = await communicator.start({ command });
        seen.push(`${command}=${await started.exited}`);
        expect(await started.exited).to.equal(status);
      }
      const out: Buffer[] = [];
      const started = await communicator.start({
        command: 'cat payload.bin; echo err >&2',
        stdout: new Writable({ write: (c: Buffer, _e, done) => (out.push(c), done()) }),
        stderr: new Writable({ write: (_c, _e, done) => done() }),
      });
      expect(await started.exited).to.equal(0);
      expect(Buffer.concat(out)).to.deep.equal(payload);
      const back: Buffer[] = [];
      await communicator.download(
        join(dir, 'payload.bin'),
        new Writable({ write: (c: Buffer, _e, done) => (back.push(c), done()) }),
      );
      expect(Buffer.concat(back)).to.deep.equal(payload);
    });
    expect(seen.slice(0, 2)).to.deep.equal([
      'packer_provision',
      { Message: 'hooked', DiskCount: 0, Host: 'localhost', ConnType: 'local' },
    ]);
  });

  it('cancels a running build: Cancel aborts the step, cleanup runs in reverse, Run reports it', async () => {
    const marker = join(dir, 'cleanups.txt');
    writeFileSync(marker, '');
    const builder = await CoreBuilderClient.connect(await startFixture('contract', START));
    await builder.prepare([{ message: 'long', wait_for_cancel: true, marker_file: marker }]);
    const ui = new MockUi();
    const running = builder.run(ui).then(
      () => 'finished',
      (err: Error) => err.message,
    );
    await ui.waitFor('waiting for cancel');
    await builder.cancel();
    expect(await running).to.contain('Build was cancelled.');
    expect(readFileSync(marker, 'utf8')).to.equal('maybe-wait\nannounce\n');
  });

  it('masks the values Packer lists as sensitive in everything the plugin says', async () => {
    const builder = await CoreBuilderClient.connect(await startFixture('contract', START));
    // Packer ≥ 1.7 sends packer_sensitive_variables with the values to hide.
    await builder.prepare([
      { message: 'token is s3cr3t-value', tags: ['s3cr3t-value'] },
      { packer_sensitive_variables: ['s3cr3t-value'] },
    ]);
    const ui = new MockUi();
    await builder.run(ui);
    expect(ui.lines.slice(0, 2)).to.deep.equal(['token is <sensitive>', 'tags: <sensitive>']);
  });

  it('survives Cancel before Run (Go 1.6.6 would panic)', async () => {
    const builder = await CoreBuilderClient.connect(await startFixture('contract', START));
    await builder.cancel();
    await builder.prepare([{ message: 'after cancel' }]);
    expect(await (await builder.run(new MockUi()))!.id()).to.equal('contract-after cancel');
  });

  it('cleans up when the connection to core drops mid-build', async () => {
    const marker = join(dir, 'cleanups.txt');
    writeFileSync(marker, '');
    const conn = await startFixture('contract', START);
    const builder = await CoreBuilderClient.connect(conn);
    await builder.prepare([{ message: 'long', wait_for_cancel: true, marker_file: marker }]);
    const ui = new MockUi();
    void builder.run(ui).catch(() => undefined);
    await ui.waitFor('waiting for cancel');
    const exited = new Promise<number | null>((resolve) => conn.child.once('exit', (code) => resolve(code)));
    conn.session.destroy();
    expect(await exited).to.equal(0);
    expect(readFileSync(marker, 'utf8')).to.equal('maybe-wait\nannounce\n');
  });

  it('fails in-flight calls when the plugin crashes, then exits 1', async () => {
    const conn = await startFixture('contract', START);
    const builder = await CoreBuilderClient.connect(conn);
    await builder.prepare([{ message: 'crash', crash: true }]);
    const exited = new Promise<number | null>((resolve) => conn.child.once('exit', (code) => resolve(code)));
    let caught: unknown;
    try {
      await builder.run(new MockUi());
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).message).to.contain(
      '[PKR_ERR_PLUGIN_CRASHED] the plugin crashed: boom from a timer',
    );
    expect(await exited).to.equal(1);
    expect(stderrOf(conn).join('\n')).to.contain('boom from a timer');
  });

  it('reports a failing step as the Run error', async () => {
    const builder = await CoreBuilderClient.connect(await startFixture('contract', START));
    await builder.prepare([{ message: 'x', fail_with: 'disk full' }]);
    let caught: unknown;
    try {
      await builder.run(new MockUi());
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).message).to.equal('disk full');
  });
});
