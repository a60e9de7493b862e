import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../../rpc/plugin/constants.js';

const PLUGIN = fileURLToPath(new URL('./support/unconnected-plugin.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

describe('serve when Packer never connects', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pps-serve-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 with one coded line, no stack trace, and removes its socket directory', async () => {
    const ran = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', TSX, PLUGIN, 'start', 'builder', 'x'],
        {
          env: {
            ...process.env,
            [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
            CONNECT_TIMEOUT_MS: '200',
            TMPDIR: dir,
            PACKER_LOG: '',
          },
        },
        (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
      );
    });
    expect(ran.stdout).to.match(/^5\|0\|unix\|\S+plugin\.sock\n$/);
    expect(ran.code).to.equal(1);
    expect(ran.stderr.trim()).to.equal(
      '[ERROR] [PKR_ERR_PLUGIN_LISTEN] Packer did not connect to the plugin in time',
    );
    expect(readdirSync(dir).filter((f) => f.startsWith('packer-plugin-'))).to.deep.equal([]);
  });
});
