/**
 * `make demo`: builds the example Debian plugin, installs it into a private plugin directory
 * and runs `packer build` on examples/packer-plugin-debian/debian.pkr.hcl — a bookworm minbase
 * root file system provisioned with Packer's shell provisioner and the plugin's apt
 * provisioner, described by its manifest post-processor — then says where the results are.
 * Everything lands in ./.demo (removed by the next run).
 */
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePluginEntry } from '../cli/bundle.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const example = join(repo, 'examples/packer-plugin-debian');
const demo = resolve(repo, '.demo');

if (process.getuid?.() !== 0) {
  console.error('make demo builds a Debian root file system (mmdebstrap, mount, chroot): run it as root.');
  process.exit(1);
}

// A previous run's mounts are always gone (the plugin cleans up), but never rm across one.
rmSync(demo, { recursive: true, force: true });
mkdirSync(join(demo, 'plugins'), { recursive: true });
const main = await bundlePluginEntry(join(example, 'main.ts'), join(demo, 'plugin'));
const launcher = join(demo, 'plugins', 'packer-plugin-debian');
writeFileSync(launcher, `#!/bin/sh\nPACKER_SDK_INVOKED_AS="$0" exec "${process.execPath}" "${main}" "$@"\n`);
chmodSync(launcher, 0o755);
copyFileSync(join(example, 'debian.pkr.hcl'), join(demo, 'debian.pkr.hcl'));

console.log(`==> packer build debian.pkr.hcl  (in ${demo}, plugin from examples/packer-plugin-debian)`);
const code = await new Promise<number | null>((done) => {
  const child = spawn('packer', ['build', 'debian.pkr.hcl'], {
    cwd: demo,
    stdio: 'inherit',
    env: { ...process.env, CHECKPOINT_DISABLE: '1', PACKER_PLUGIN_PATH: join(demo, 'plugins') },
  });
  child.once('close', done);
});
if (code !== 0) process.exit(code ?? 1);

const tarball = join(demo, 'output-bookworm/rootfs.tar.gz');
const manifest = join(demo, 'output-bookworm/manifest.json');
if (!existsSync(tarball) || !existsSync(manifest)) {
  console.error('the build reported success but its artifacts are missing');
  process.exit(1);
}
console.log(
  `\nroot file system: ${tarball}\nchecksum:         ${tarball}.sha256\nmanifest:         ${manifest}`,
);
console.log(
  `try it:           mkdir /tmp/r && tar -xzf ${tarball} -C /tmp/r && chroot /tmp/r cat /etc/packer-plugin-sdk-demo`,
);
