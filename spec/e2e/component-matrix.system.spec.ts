import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPacker, type PackerRun } from '../support/packer.js';
import { bundlePlugin, fixturePlugin, installLauncher, tempDir } from '../support/plugin-bundle.js';
import { requireTool } from '../support/tools.js';

/**
 * The component contract under the real Packer 1.6.6 binary, for JSON and HCL2 templates:
 * a TS builder (with a local communicator) driving Packer's own shell and file provisioners,
 * a TS provisioner, a TS post-processor, Ctrl-C and a crashing plugin.
 */
describe('e2e: component matrix under real packer 1.6.6', function () {
  this.timeout(180_000);
  let pluginDir: string;
  let bundle: string;

  before(async function () {
    requireTool(this, 'packer', 'packer');
    bundle = await bundlePlugin(fixturePlugin('contract'));
    pluginDir = tempDir('matrix-plugins');
    installLauncher(pluginDir, 'packer-plugin-contract', bundle);
  });

  interface Build {
    work: string;
    tmp: string;
    run: PackerRun;
  }

  async function build(
    template: { json?: object; hcl?: string },
    args: string[] = [],
    onStart?: Parameters<typeof runPacker>[1]['onStart'],
  ): Promise<Build> {
    const work = tempDir('matrix');
    const tmp = join(work, 'tmp');
    mkdirSync(tmp);
    const file = template.json ? 'template.json' : 'template.pkr.hcl';
    writeFileSync(
      join(work, file),
      (template.json ? JSON.stringify(template.json, null, 2) : template.hcl!).replaceAll('WORK', work),
    );
    const run = await runPacker([args[0] ?? 'build', ...args.slice(1), file], {
      cwd: work,
      pluginPath: pluginDir,
      env: { TMPDIR: tmp },
      onStart,
    });
    return { work, tmp, run };
  }

  const out = (b: Build): string => b.run.stdout + b.run.stderr;

  for (const flavor of ['json', 'hcl2'] as const) {
    describe(flavor, () => {
      it('runs the TS builder with Packer’s shell and file provisioners, the TS provisioner and post-processor', async () => {
        const work = tempDir('payload');
        // The builder's "machine" is a directory here; it must exist before commands run there.
        mkdirSync(join(work, 'remote'));
        const payload = randomBytes(64 * 1024 * 1024);
        payload[0] = 0xff; // not UTF-8
        writeFileSync(join(work, 'blob.bin'), payload);
        mkdirSync(join(work, 'tree/sub'), { recursive: true });
        writeFileSync(join(work, 'tree/a.txt'), 'A');
        writeFileSync(join(work, 'tree/sub/b.bin'), Buffer.from([0, 1, 254, 255]));
        const shell = (inline: string[], valid?: number[]) => ({
          type: 'shell',
          inline,
          ...(valid ? { valid_exit_codes: valid } : {}),
        });
        const b = await build(
          flavor === 'json'
            ? {
                json: {
                  builders: [
                    {
                      type: 'contract-builder',
                      message: 'matrix',
                      provision: true,
                      work_dir: '{{ user `dir` }}',
                      tags: ['a', 'b'],
                    },
                  ],
                  variables: { dir: join(work, 'remote') },
                  provisioners: [
                    shell(['echo shell sees {{ build `Message` }} in $(pwd)', 'mkdir -p tree']),
                    {
                      type: 'file',
                      source: join(work, 'blob.bin'),
                      destination: join(work, 'remote/blob.bin'),
                    },
                    { type: 'file', source: join(work, 'tree/'), destination: join(work, 'remote/tree') },
                    {
                      type: 'file',
                      source: join(work, 'remote/tree/sub/b.bin'),
                      destination: join(work, 'downloaded.bin'),
                      direction: 'download',
                    },
                    {
                      type: 'contract-provisioner',
                      command: 'echo ts provisioner sees {{ build `Message` }}',
                    },
                    shell(['exit 1'], [1]),
                    shell(['no-such-command-xyz'], [127]),
                  ],
                  'post-processors': [{ type: 'contract-post-processor', suffix: '-pp' }],
                },
              }
            : {
                hcl: `
source "contract-builder" "m" {
  message   = "matrix"
  provision = true
  work_dir  = "${join(work, 'remote')}"
  tags      = ["a", "b"]
  disk {
    size = 1
  }
}
build {
  sources = ["source.contract-builder.m"]
  provisioner "shell" { inline = ["echo shell sees \${build.Message} in $(pwd)", "mkdir -p tree"] }
  provisioner "file" {
    source      = "${join(work, 'blob.bin')}"
    destination = "${join(work, 'remote/blob.bin')}"
  }
  provisioner "file" {
    source      = "${join(work, 'tree/')}"
    destination = "${join(work, 'remote/tree')}"
  }
  provisioner "file" {
    source      = "${join(work, 'remote/tree/sub/b.bin')}"
    destination = "${join(work, 'downloaded.bin')}"
    direction   = "download"
  }
  provisioner "contract-provisioner" { command = "echo ts provisioner sees \${build.Message}" }
  provisioner "shell" {
    inline           = ["exit 1"]
    valid_exit_codes = [1]
  }
  provisioner "shell" {
    inline           = ["no-such-command-xyz"]
    valid_exit_codes = [127]
  }
  post-processor "contract-post-processor" { suffix = "-pp" }
}`,
              },
        );
        expect(b.run.code, out(b)).to.equal(0);
        const text = out(b);
        expect(text).to.contain('matrix');
        expect(text).to.match(/shell sees matrix in .*remote/);
        expect(text).to.contain('ts provisioner sees matrix');
        expect(text).to.contain('post-processing contract-matrix from sdk.contract');
        expect(text).to.contain('contract artifact for matrix');
        expect(text).to.contain('processed contract-matrix');
        expect(readFileSync(join(work, 'remote/blob.bin')).equals(payload)).to.equal(true);
        expect(readFileSync(join(work, 'remote/tree/a.txt'), 'utf8')).to.equal('A');
        expect([...readFileSync(join(work, 'downloaded.bin'))]).to.deep.equal([0, 1, 254, 255]);
        expect(readdirSync(b.tmp).filter((f) => f.startsWith('packer-plugin'))).to.deep.equal([]);
      });

      it('surfaces a failing remote command’s exit status', async () => {
        const b = await build(
          flavor === 'json'
            ? {
                json: {
                  builders: [{ type: 'contract-builder', message: 'x', provision: true }],
                  // Packer's shell provisioner leaves a failed script behind: keep it in the build's directory.
                  provisioners: [{ type: 'shell', inline: ['exit 3'], remote_folder: 'WORK' }],
                },
              }
            : {
                hcl: 'source "contract-builder" "m" {\n message = "x"\n provision = true\n}\nbuild {\n sources = ["source.contract-builder.m"]\n provisioner "shell" {\n inline = ["exit 3"]\n remote_folder = "WORK"\n }\n}',
              },
        );
        expect(b.run.code).to.equal(1);
        expect(out(b)).to.contain('non-zero exit status: 3');
      });

      it('shows Prepare problems with paths, and warnings', async () => {
        if (flavor === 'json') {
          const bad = await build(
            { json: { builders: [{ type: 'contract-builder', mesage: 'x', disk: [{ size: 'big' }] }] } },
            ['validate'],
          );
          expect(bad.run.code).to.equal(1);
          expect(out(bad)).to.contain('* mesage: unknown field (did you mean "message"?)');
          expect(out(bad)).to.contain('* disk[0].size: expected an integer, got string "big"');
          expect(out(bad)).to.contain('* message: is required');
        } else {
          // HCL2 checks names and types against our ConfigSpec before Prepare…
          const typed = await build(
            {
              hcl: 'source "contract-builder" "m" {\n message = "x"\n disk {\n size = "big"\n }\n}\nbuild { sources = ["source.contract-builder.m"] }',
            },
            ['validate'],
          );
          expect(typed.run.code).to.equal(1);
          expect(out(typed)).to.contain('Incorrect attribute value type');
          const named = await build(
            {
              hcl: 'source "contract-builder" "m" {\n mesage = "x"\n}\nbuild { sources = ["source.contract-builder.m"] }',
            },
            ['validate'],
          );
          expect(out(named)).to.match(/mesage.*not expected here[\s\S]*Did you mean "message"\?/);
          // …and Prepare reports what only the schema knows.
          const prepared = await build(
            {
              hcl: 'source "contract-builder" "m" {\n tags = ["a"]\n}\nbuild { sources = ["source.contract-builder.m"] }',
            },
            ['validate'],
          );
          expect(prepared.run.code).to.equal(1);
          expect(out(prepared)).to.contain('* message: is required');
        }
        const warned = await build(
          flavor === 'json'
            ? { json: { builders: [{ type: 'contract-builder', message: 'x', legacy_option: 'y' }] } }
            : {
                hcl: 'source "contract-builder" "m" {\n message = "x"\n legacy_option = "y"\n}\nbuild { sources = ["source.contract-builder.m"] }',
              },
          ['validate'],
        );
        expect(warned.run.code, out(warned)).to.equal(0);
        expect(out(warned)).to.contain('legacy_option is deprecated: use message instead');
      });

      it('cleans up every started step on Ctrl-C and leaves nothing behind', async () => {
        const marker = join(tempDir('ctrl-c'), 'cleanups.txt');
        writeFileSync(marker, '');
        const b = await build(
          flavor === 'json'
            ? {
                json: {
                  builders: [
                    { type: 'contract-builder', message: 'long', wait_for_cancel: true, marker_file: marker },
                  ],
                },
              }
            : {
                hcl: `source "contract-builder" "m" {\n message = "long"\n wait_for_cancel = true\n marker_file = "${marker}"\n}\nbuild { sources = ["source.contract-builder.m"] }`,
              },
          ['build'],
          (child) => {
            // A terminal Ctrl-C goes to the whole foreground process group, plugins included.
            child.stdout.on('data', (c: Buffer) => {
              if (c.toString().includes('waiting for cancel')) process.kill(-child.pid!, 'SIGINT');
            });
          },
        );
        expect(out(b)).to.contain('Cleanly cancelled builds after being interrupted');
        expect(readFileSync(marker, 'utf8')).to.equal('maybe-wait\nannounce\n');
        expect(readdirSync(b.tmp)).to.deep.equal([]);
        expect(execFileSync('ps', ['-eo', 'args']).toString()).not.to.contain(bundle);
      });

      it('reports a plugin that crashes mid-Run, without hanging', async () => {
        const b = await build(
          flavor === 'json'
            ? { json: { builders: [{ type: 'contract-builder', message: 'x', crash: true }] } }
            : {
                hcl: 'source "contract-builder" "m" {\n message = "x"\n crash = true\n}\nbuild { sources = ["source.contract-builder.m"] }',
              },
        );
        expect(b.run.code).to.equal(1);
        expect(out(b)).to.contain('the plugin crashed: boom from a timer');
      });
    });
  }
});
