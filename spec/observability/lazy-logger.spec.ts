import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLazyLogger } from '../../observability/lazy-logger.js';

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

describe('observability/lazy-logger', () => {
  it('never loads winston while nothing reaches its level', async () => {
    const out = capture();
    const logger = createLazyLogger({ env: {}, stream: out.stream });
    logger.debug('below info');
    logger.child({ step: 'a' }).debug('still below');
    logger.log('trace', 'frames');
    await logger.settled();
    expect(logger.loadStarted()).to.equal(false);
    expect(out.lines()).to.deep.equal([]);
  });

  it('hands what was logged while loading to winston, in order, then writes directly', async () => {
    const out = capture();
    const logger = createLazyLogger({ verbose: true, stream: out.stream });
    expect(logger.level).to.equal('debug');
    logger.info('first', { n: 1 });
    logger.child({ step: 'x' }).debug('second');
    logger.log('warn', 'third');
    expect(logger.loadStarted()).to.equal(true);
    await logger.settled();
    logger.error('fourth');
    expect(out.lines()).to.deep.equal([
      '[INFO] first n=1',
      '[DEBUG] second step=x',
      '[WARN] third',
      '[ERROR] fourth',
    ]);
  });

  it('writes waiting lines itself, in the same format, when the process exits first', async () => {
    const out = capture();
    const logger = createLazyLogger({ env: { PACKER_LOG: '0' }, stream: out.stream });
    logger.error('crashing', { error: new Error('boom') });
    logger.flushSync();
    expect(out.lines()).to.deep.equal(['[ERROR] crashing error="boom"']);
    await logger.settled();
    // Nothing is written twice once winston has loaded.
    expect(out.lines()).to.have.length(1);
  });
});
