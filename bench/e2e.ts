/**
 * End-to-end figures under the real `packer` binary, each against Packer's own Go `null`
 * builder in the same run:
 * - wall time of `packer build` on a trivial template: TS builder vs Go null builder
 *   (target ratio ≤ 1.6);
 * - a 256 MiB upload by Packer's `file` provisioner through the TS builder's SSH
 *   communicator (examples/packer-plugin-debian, builder `ssh`) vs through the Go null
 *   builder's, to the same OpenSSH sshd on loopback (target ratio ≤ 1.1).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { sshdSkipReason, startSshd } from '../spec/support/sshd.js';
import { bundleEntry, timePacker, writeLauncher } from './packer-run.js';
import { median } from './support.js';

const ROUNDS = 15;
const work = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
try {
  const bundle = await bundleEntry(
    fileURLToPath(new URL('./fixtures/lazy-plugin/main.ts', import.meta.url)),
    join(work, 'plugin'),
  );
  const plugins = join(work, 'plugins');
  rmSync(plugins, { recursive: true, force: true });
  mkdirSync(plugins);
  writeLauncher(plugins, 'packer-plugin-lazy', bundle);
  writeFileSync(join(work, 'ts.json'), JSON.stringify({ builders: [{ type: 'lazy-smoke', message: 'hi' }] }));
  writeFileSync(
    join(work, 'go.json'),
    JSON.stringify({ builders: [{ type: 'null', communicator: 'none' }] }),
  );
  const env = { PACKER_PLUGIN_PATH: plugins, TMPDIR: work };

  const ts: number[] = [];
  const go: number[] = [];
  await timePacker(['build', 'ts.json'], work, env); // warm the page cache
  for (let i = 0; i < ROUNDS; i++) {
    go.push(await timePacker(['build', 'go.json'], work, env));
    ts.push(await timePacker(['build', 'ts.json'], work, env));
  }
  const goMs = median(go);
  const tsMs = median(ts);
  console.log(`packer build, trivial template (median of ${ROUNDS}, interleaved)`);
  console.log(`  Go null builder          ${goMs.toFixed(0)} ms`);
  console.log(
    `  TS builder               ${tsMs.toFixed(0)} ms  ratio ${(tsMs / goMs).toFixed(2)} (target <= 1.6)`,
  );

  const skip = sshdSkipReason();
  if (skip) {
    console.log(`256 MiB file-provisioner upload: skipped (${skip})`);
  } else {
    const sshd = await startSshd();
    try {
      const debian = await bundleEntry(
        fileURLToPath(new URL('../examples/packer-plugin-debian/main.ts', import.meta.url)),
        join(work, 'debian'),
      );
      writeLauncher(plugins, 'packer-plugin-debian', debian);
      const blob = join(work, 'blob.bin');
      writeFileSync(blob, randomBytes(256 * 1024 * 1024));
      const ssh = {
        ssh_host: sshd.host,
        ssh_port: sshd.port,
        ssh_username: sshd.username,
        ssh_private_key_file: sshd.userKey.privateKeyPath,
      };
      const upload = { type: 'file', source: blob, destination: join(work, 'uploaded.bin') };
      writeFileSync(
        join(work, 'ts-upload.json'),
        JSON.stringify({ builders: [{ type: 'debian-ssh', ...ssh }], provisioners: [upload] }),
      );
      writeFileSync(
        join(work, 'go-upload.json'),
        JSON.stringify({ builders: [{ type: 'null', communicator: 'ssh', ...ssh }], provisioners: [upload] }),
      );
      const tsUp: number[] = [];
      const goUp: number[] = [];
      for (let i = 0; i < 3; i++) {
        goUp.push(await timePacker(['build', 'go-upload.json'], work, env));
        tsUp.push(await timePacker(['build', 'ts-upload.json'], work, env));
      }
      const g = median(goUp);
      const t = median(tsUp);
      console.log(
        '256 MiB upload by the file provisioner over SSH, whole packer build (median of 3, interleaved)',
      );
      console.log(`  through Go null builder  ${g.toFixed(0)} ms`);
      console.log(
        `  through TS builder       ${t.toFixed(0)} ms  ratio ${(t / g).toFixed(2)} (target <= 1.1)`,
      );
    } finally {
      await sshd.stop();
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
