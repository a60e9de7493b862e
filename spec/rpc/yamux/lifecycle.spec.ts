import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

describe('rpc/yamux lifecycle', () => {
  it('leaves no timer behind: a process whose sessions ended exits on its own', async function () {
    this.timeout(20_000);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./support/lifecycle-child.ts', import.meta.url))],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    // If a session left a ref'd timer (keep-alive 30 s, open 75 s, close 5 min) this never
    // resolves and the spec times out.
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(err).to.equal('');
    expect(code).to.equal(0);
    expect(out).to.equal('close: open rejected\nvanish: open rejected\ndone\n');
  });
});
