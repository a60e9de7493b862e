import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acceptance } from '../../acctest/acceptance.js';
import { isSdkError } from '../../errors/index.js';
import { example } from '../cli/helpers.js';

const hello = readFileSync(example('hello/hello.pkr.hcl'), 'utf8');

// The kit against real packer: `gate: false` because `make test` runs system specs anyway.
for (const layout of ['legacy', 'multi'] as const) {
  describe(`acctest with examples/hello (${layout} layout)`, function () {
    this.timeout(180_000);
    // keepOnFailure: false, as the failing case below fails on purpose.
    const acc = acceptance(this, {
      entry: example('hello/main.ts'),
      layout,
      gate: false,
      keepOnFailure: false,
    });

    it('builds the guide template and reads its artifact and Ui lines', async () => {
      const run = await acc.build(hello);
      expect(run.exitCode, run.output).to.equal(0);
      expect(run.artifacts).to.have.length(1);
      expect(run.artifacts[0]).to.deep.include({
        target: 'hello-file.greeting',
        builderId: 'example.hello',
        files: ['greeting.txt'],
      });
      expect(run.ui.map((u) => u.text)).to.include(
        '==> hello-file.greeting: Hello from TypeScript, writing greeting.txt',
      );
      expect(readFileSync(join(run.workDir, 'greeting.txt'), 'utf8')).to.equal('Hello from TypeScript\n');
      // PACKER_LOG output, naming the file the layout installed.
      const started = layout === 'legacy' ? 'packer-builder-hello-file' : 'packer-plugin-hello';
      expect(readFileSync(join(run.workDir, 'packer.log'), 'utf8')).to.contain(
        `Starting plugin: ${acc.pluginPath}/${started}`,
      );
    });

    it('runs a JSON test case the way the Go SDK does, with setup, check and teardown', async () => {
      const calls: string[] = [];
      const template = JSON.stringify({
        builders: [{ type: 'hello-file', greeting: 'Hi, JSON', output: 'out.txt' }],
      });
      const run = await acc.test({
        name: 'json case',
        template,
        setup: (dir) => void calls.push(`setup ${existsSync(join(dir, 'template.json'))}`),
        check: (r) => {
          calls.push('check');
          expect(r.exitCode, r.output).to.equal(0);
          expect(r.artifacts.map((a) => [a.target, a.id])).to.deep.equal([['hello-file', 'out.txt']]);
        },
        teardown: () => void calls.push('teardown'),
      });
      expect(calls).to.deep.equal(['setup true', 'check', 'teardown']);
      expect(run.args).to.deep.equal(['build', '-machine-readable', 'template.json']);
    });

    it('fails a case without check when packer fails, with the build error and the work directory', async () => {
      let error: unknown;
      try {
        await acc.test({
          name: 'broken',
          template:
            'source "hello-file" "x" {\n  output = "/nonexistent/dir/x.txt"\n}\nbuild { sources = ["source.hello-file.x"] }\n',
        });
      } catch (err) {
        error = err;
      }
      expect(isSdkError(error, 'PKR_ERR_ACC_CHECK'), String(error)).to.equal(true);
      const message = String(error);
      expect(message).to.contain("ENOENT: no such file or directory, open '/nonexistent/dir/x.txt'");
      expect(message).to.contain('  hello-file.x: ENOENT');
      const kept = /work directory \(removed after the suite\): (\S+)/.exec(message)?.[1];
      expect(kept && existsSync(join(kept, 'packer.log')), message).to.equal(true);
    });

    it('validates, reporting problems as Ui errors', async () => {
      const run = await acc.validate(
        'source "hello-file" "x" {\n  outptu = "x"\n}\nbuild { sources = ["source.hello-file.x"] }\n',
      );
      expect(run.exitCode).to.equal(1);
      expect(
        run.ui
          .filter((u) => u.kind === 'error')
          .map((u) => u.text)
          .join('\n'),
      ).to.contain('Did you mean "output"?');
    });
  });
}
