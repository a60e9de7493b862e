import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isSdkError } from '../../errors/index.js';
import { PRIVATE_DIR_PREFIX, prepareControlSocket } from '../../observability/control-socket.js';
import { tempDir } from '../support/plugin-bundle.js';

function listen(path: string): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer().listen(path, () => resolve(server));
  });
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

describe('observability/control-socket', () => {
  it('binds inside a private 0700 directory next to the path and publishes a symlink after chmod 0600', async () => {
    const path = join(tempDir('socket'), 'build.sock');
    const socket = await prepareControlSocket(path);
    expect(dirname(dirname(socket.listenPath))).to.equal(dirname(path));
    expect(statSync(dirname(socket.listenPath)).mode & 0o777).to.equal(0o700);
    expect(existsSync(path)).to.equal(false);
    const server = await listen(socket.listenPath);
    try {
      socket.publish();
      expect(readlinkSync(path)).to.equal(socket.listenPath);
      expect(statSync(socket.listenPath).mode & 0o777).to.equal(0o600);
    } finally {
      server.close();
    }
    socket.remove();
    expect(() => lstatSync(path)).to.throw();
    expect(existsSync(dirname(socket.listenPath))).to.equal(false);
  });

  it('falls back to TMPDIR when the path next to it would be too long for a socket', async () => {
    const deep = join(tempDir('socket'), 'x'.repeat(60), 'y'.repeat(30));
    mkdirSync(deep, { recursive: true });
    const socket = await prepareControlSocket(join(deep, 'build.sock'));
    expect(socket.listenPath.startsWith(join(tmpdir(), PRIVATE_DIR_PREFIX))).to.equal(true);
    const server = await listen(socket.listenPath);
    socket.publish();
    expect(readlinkSync(join(deep, 'build.sock'))).to.equal(socket.listenPath);
    server.close();
    socket.remove();
    expect(existsSync(join(deep, 'build.sock'))).to.equal(false);
  });

  it('refuses a path that is not a socket, and one somebody still serves', async () => {
    const dir = tempDir('socket');
    writeFileSync(join(dir, 'file'), 'mine');
    const file = await rejection(prepareControlSocket(join(dir, 'file')));
    expect(isSdkError(file, 'PKR_ERR_CONTROL_LISTEN')).to.equal(true);
    const server = await listen(join(dir, 'live.sock'));
    try {
      const live = await rejection(prepareControlSocket(join(dir, 'live.sock')));
      expect(isSdkError(live, 'PKR_ERR_CONTROL_LISTEN')).to.equal(true);
      expect(String(live)).to.contain('in use by another running build');
    } finally {
      server.close();
    }
  });

  it('clears the socket a killed process left at the path', async () => {
    const path = join(tempDir('socket'), 'dead.sock');
    const child = spawn(
      process.execPath,
      ['-e', "require('net').createServer().listen(process.argv[1], () => console.log('up'))", path],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise((resolve) => child.stdout.once('data', resolve));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(lstatSync(path).isSocket()).to.equal(true);
    const socket = await prepareControlSocket(path);
    expect(existsSync(path)).to.equal(false);
    socket.remove();
  });
});
