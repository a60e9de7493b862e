import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createPluginLogger } from '../../observability/logger.js';

function capture(): { stream: Writable; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, lines: () => text.split('\n').filter((l) => l !== '') };
}

describe('observability/logger', () => {
  const levels: [string | undefined, 'info' | 'debug'][] = [
    [undefined, 'info'],
    ['', 'info'],
    ['0', 'info'],
    ['1', 'debug'],
    ['true', 'debug'],
    ['yes', 'debug'],
  ];
  for (const [value, level] of levels) {
    it(`logs from ${level} up with PACKER_LOG=${JSON.stringify(value)}`, () => {
      const out = capture();
      const logger = createPluginLogger({
        env: value === undefined ? {} : { PACKER_LOG: value },
        stream: out.stream,
      });
      expect(logger.level).to.equal(level);
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
      expect(out.lines()).to.deep.equal([
        ...(level === 'debug' ? ['[DEBUG] d'] : []),
        '[INFO] i',
        '[WARN] w',
        '[ERROR] e',
      ]);
    });
  }

  it('merges child metadata, the entry’s own keys last', () => {
    const out = capture();
    const logger = createPluginLogger({ env: {}, stream: out.stream });
    const step = logger.child({ step: 'a', rpc: 'Builder.Run' }).child({ step: 'a/b' });
    step.info('hello', { rpc: 'Ui.Say', id: 7 });
    step.info('again');
    expect(out.lines()).to.deep.equal([
      '[INFO] hello step=a/b rpc=Ui.Say id=7',
      '[INFO] again step=a/b rpc=Builder.Run',
    ]);
  });

  it("keeps `level` and `message` in metadata from clobbering winston's fields", () => {
    const out = capture();
    createPluginLogger({ env: {}, stream: out.stream }).info('real', { level: 'debug', message: 'fake' });
    expect(out.lines()).to.deep.equal(['[INFO] real level=debug message=fake']);
  });

  it('serves the rpc layer as a PluginLog, trace counting as debug', () => {
    const out = capture();
    const logger = createPluginLogger({ env: { PACKER_LOG: '1' }, stream: out.stream });
    logger.log('trace', 'frame', { id: 3 });
    logger.log('error', 'broken');
    expect(out.lines()).to.deep.equal(['[DEBUG] frame id=3', '[ERROR] broken']);
  });

  it('writes to process.stderr by default and never to stdout', () => {
    const written: string[] = [];
    const stdout: string[] = [];
    const errWrite = process.stderr.write.bind(process.stderr);
    const outWrite = process.stdout.write.bind(process.stdout);
    process.stderr.write = (chunk: string | Uint8Array) => (written.push(String(chunk)), true);
    process.stdout.write = (chunk: string | Uint8Array) => (stdout.push(String(chunk)), true);
    try {
      createPluginLogger({ env: {} }).error('to stderr');
    } finally {
      process.stderr.write = errWrite;
      process.stdout.write = outWrite;
    }
    expect(written.join('')).to.equal('[ERROR] to stderr\n');
    expect(stdout).to.deep.equal([]);
  });
});
