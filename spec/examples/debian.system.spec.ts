import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
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
 * examples/packer-plugin-debian under real Packer 1.6.6, the parts the acceptance kit does not
 * cover (see debian.acc.system.spec.ts for the builds): Ctrl-C during provisioning leaving
 * nothing mounted and no work directory behind, and the data source as Packer ≥ 1.7 calls it.
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
        child.stdout.on('data', (c: Buffer) => {
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
