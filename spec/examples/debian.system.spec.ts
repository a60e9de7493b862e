import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreDatasourceClient, startPlugin } from '../../rpc/core/index.js';
import { decodeCtyValueGob } from '../../rpc/cty/index.js';
import { runPacker } from '../support/packer.js';
import { bundlePlugin, examplePath, installLauncher, tempDir } from '../support/plugin-bundle.js';
import { requireTool } from '../support/tools.js';

/** Mount points the rootfs builder made (its work dirs are /tmp/debian-rootfs-*). */
function rootfsMounts(): string[] {
  return execFileSync('findmnt', ['-rn', '-o', 'TARGET'])
    .toString()
    .split('\n')
    .filter((t) => t.includes('/debian-rootfs-'));
}

function rootfsWorkDirs(): string[] {
  return readdirSync(tmpdir()).filter((f) => f.startsWith('debian-rootfs-'));
}

/**
 * examples/packer-plugin-debian under real Packer 1.6.6: a bootstrapped, provisioned,
 * exported root file system (JSON and HCL2), and Ctrl-C during provisioning leaving nothing
 * mounted and no work directory behind.
 */
describe('examples/packer-plugin-debian under real packer', function () {
  this.timeout(600_000);
  let plugins: string;
  let bundle: string;

  before(async function () {
    if (process.getuid?.() !== 0) {
      console.log('      skipped: the rootfs builder needs root (mount, chroot)');
      this.skip();
    }
    requireTool(this, 'packer', 'packer');
    requireTool(this, 'mmdebstrap', 'mmdebstrap');
    bundle = await bundlePlugin(examplePath('packer-plugin-debian/main.ts'));
    plugins = tempDir('debian-plugins');
    installLauncher(plugins, 'packer-plugin-debian', bundle);
  });

  afterEach(() => {
    expect(rootfsMounts(), 'mounts left behind').to.deep.equal([]);
    expect(rootfsWorkDirs(), 'work directories left behind').to.deep.equal([]);
  });

  it('HCL2: builds, provisions with shell + apt, exports a usable root file system and a manifest', async () => {
    const work = tempDir('debian-hcl');
    writeFileSync(
      join(work, 'debian.pkr.hcl'),
      readFileSync(examplePath('packer-plugin-debian/debian.pkr.hcl'), 'utf8'),
    );
    const run = await runPacker(['build', 'debian.pkr.hcl'], {
      cwd: work,
      pluginPath: plugins,
      timeoutMs: 540_000,
    });
    const out = run.stdout + run.stderr;
    expect(run.code, out).to.equal(0);
    expect(out).to.match(/Debian bookworm 12, \d+ packages before provisioning/);
    expect(out).to.contain('Installed ca-certificates, curl.');
    const tarball = join(work, 'output-bookworm/rootfs.tar.gz');
    const sum = readFileSync(`${tarball}.sha256`, 'utf8');
    expect(execFileSync('sha256sum', [tarball]).toString().split(' ')[0]).to.equal(sum.split(' ')[0]);
    const manifest = JSON.parse(readFileSync(join(work, 'output-bookworm/manifest.json'), 'utf8')) as {
      builder_id: string;
      files: { sha256: string }[];
      generated_data: Record<string, unknown>;
    };
    expect(manifest.builder_id).to.equal('example.debian-rootfs');
    expect(manifest.files[0]!.sha256).to.equal(sum.split(' ')[0]);
    expect(manifest.generated_data).to.include({ Suite: 'bookworm', Version: '12' });
    expect(manifest.generated_data.ImageSize).to.be.a('number');
    // The tarball is a usable root file system with the provisioned file in it.
    const extracted = join(work, 'extracted');
    mkdirSync(extracted);
    execFileSync('tar', ['-xzf', tarball, '-C', extracted]);
    execFileSync('chroot', [extracted, '/bin/true']);
    expect(readFileSync(join(extracted, 'etc/packer-plugin-sdk-demo'), 'utf8')).to.equal(
      'built with packer-plugin-sdk\n',
    );
    expect(existsSync(join(extracted, 'usr/bin/curl'))).to.equal(true);
    expect(existsSync(join(extracted, 'usr/sbin/policy-rc.d'))).to.equal(false);
  });

  it('JSON: Ctrl-C during provisioning unmounts everything in reverse and removes the work and output directories', async () => {
    const work = tempDir('debian-json');
    writeFileSync(
      join(work, 'debian.json'),
      JSON.stringify({
        builders: [{ type: 'debian-rootfs', suite: 'bookworm', output_directory: 'out' }],
        provisioners: [{ type: 'shell', inline: ['echo provisioning-started', 'sleep 120'] }],
      }),
    );
    let mountsDuringProvisioning: string[] = [];
    const run = await runPacker(['build', 'debian.json'], {
      cwd: work,
      pluginPath: plugins,
      timeoutMs: 540_000,
      onStart: (child) => {
        child.stdout!.on('data', (c: Buffer) => {
          if (c.toString().includes('provisioning-started')) {
            mountsDuringProvisioning = rootfsMounts();
            // A terminal Ctrl-C reaches the whole foreground process group.
            process.kill(-child.pid!, 'SIGINT');
          }
        });
      },
    });
    const out = run.stdout + run.stderr;
    expect(mountsDuringProvisioning.map((m) => m.replace(/^.*\/root/, '')).sort()).to.deep.equal([
      '/dev',
      '/dev/pts',
      '/proc',
      '/sys',
    ]);
    expect(out).to.contain('Cleanly cancelled builds after being interrupted');
    expect(existsSync(join(work, 'out')), 'output directory of a cancelled build').to.equal(false);
  });

  it('resolves a suite with the release data source (TS core side, as Packer ≥ 1.7 calls it)', async () => {
    const conn = await startPlugin(process.execPath, { args: [bundle, 'start', 'datasource', 'release'] });
    try {
      const ds = await CoreDatasourceClient.connect(conn);
      await ds.configure([
        new TextEncoder().encode(
          '{"value":{"suite":"bookworm","mirror":null},"type":["object",{"suite":"string","mirror":"string"}]}',
        ),
      ]);
      const value = decodeCtyValueGob(await ds.execute()).value as {
        attributes: Record<string, { value: string }>;
      };
      expect(value.attributes.codename!.value).to.equal('bookworm');
      expect(value.attributes.version!.value).to.match(/^12\.\d+$/);
    } finally {
      await conn.kill();
    }
  });
});
