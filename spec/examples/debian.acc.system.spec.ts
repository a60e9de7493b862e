import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acceptance } from '../../acctest/index.js';
import { examplePath } from '../support/plugin-bundle.js';

const entry = examplePath('packer-plugin-debian/main.ts');

function rootfsMounts(): string[] {
  return execFileSync('findmnt', ['-rn', '-o', 'TARGET'])
    .toString()
    .split('\n')
    .filter((t) => t.includes('/debian-rootfs-'));
}

function skipUnlessRoot(ctx: Mocha.Context): void {
  if (process.getuid?.() !== 0) {
    console.log('      skipped: the rootfs builder needs root (mount, chroot)');
    ctx.skip();
  }
}

/**
 * The example Debian plugin through the acceptance-test kit, as its own authors would test it:
 * built with the packaging CLI, installed in Packer 1.6's multi-component layout (HCL2) and in
 * its legacy single-component layout (JSON), run by real `packer build -machine-readable`.
 */
describe('examples/packer-plugin-debian acceptance (HCL2, multi-component install)', function () {
  this.timeout(600_000);
  const acc = acceptance(this, { entry, layout: 'multi' });
  before(function () {
    skipUnlessRoot(this);
  });

  it('builds a usable root file system, provisioned by shell and apt, with a manifest', () =>
    acc.test({
      name: 'rootfs-hcl2',
      template: readFileSync(examplePath('packer-plugin-debian/debian.pkr.hcl'), 'utf8'),
      async check(run) {
        expect(run.exitCode, run.output).to.equal(0);
        const [rootfs, manifest] = run.artifacts;
        expect(rootfs!.builderId).to.equal('example.debian-rootfs');
        expect(rootfs!.files.map((f) => f.replace(/^.*\//, ''))).to.deep.equal([
          'rootfs.tar.gz',
          'rootfs.tar.gz.sha256',
        ]);
        expect(manifest!.builderId).to.equal('example.debian-manifest');
        expect(
          run.ui.some((l) => /Debian bookworm 12, \d+ packages before provisioning/.test(l.text)),
        ).to.equal(true);
        const extracted = join(run.workDir, 'extracted');
        mkdirSync(extracted);
        execFileSync('tar', ['-xzf', rootfs!.files[0]!, '-C', extracted]);
        execFileSync('chroot', [extracted, '/bin/true']);
        expect(readFileSync(join(extracted, 'etc/packer-plugin-sdk-demo'), 'utf8')).to.equal(
          'built with packer-plugin-sdk\n',
        );
        expect(existsSync(join(extracted, 'usr/bin/curl'))).to.equal(true);
        expect(rootfsMounts()).to.deep.equal([]);
        expect(readdirSync(tmpdir()).filter((f) => f.startsWith('debian-rootfs-'))).to.deep.equal([]);
      },
    }));
});

describe('examples/packer-plugin-debian acceptance (JSON, legacy packer-builder-* install)', function () {
  this.timeout(600_000);
  const acc = acceptance(this, { entry, layout: 'legacy' });
  before(function () {
    skipUnlessRoot(this);
  });

  it('builds with the single-component binaries Packer 1.6 discovers, and reports apt failures by package', () =>
    acc.test({
      name: 'rootfs-json',
      template: JSON.stringify({
        builders: [{ type: 'debian-rootfs', suite: 'bookworm', output_directory: 'out', image_name: 'base' }],
        provisioners: [
          { type: 'shell', inline: ['test -f /etc/debian_version', 'echo suite={{ build `Suite` }}'] },
          { type: 'debian-apt', packages: ['hello', 'no-such-package-xyz', 'also-missing-abc'] },
        ],
      }),
      async check(run) {
        expect(run.exitCode).to.equal(1);
        expect(run.output).to.contain('suite=bookworm');
        expect(run.errors[0]!.message).to.contain(
          'apt cannot install these packages (no candidate found): no-such-package-xyz, also-missing-abc',
        );
        // The failed build cleaned up: nothing mounted, no work or output directory.
        expect(rootfsMounts()).to.deep.equal([]);
        expect(existsSync(join(run.workDir, 'out'))).to.equal(false);
      },
    }));
});
