import { expect } from 'chai';
import type { LogMeta } from '../../engine/logger.js';
import { bindLogger, type LogLineLevel } from '../../observability/bound-logger.js';

function capture(level: 'info' | 'debug') {
  const seen: Array<[LogLineLevel, string, LogMeta]> = [];
  const logger = bindLogger(level, (at, message, meta) => seen.push([at, message, meta]));
  return { logger, seen };
}

describe('bindLogger', () => {
  it('drops entries below its level before they reach the sink', () => {
    const { logger, seen } = capture('info');
    logger.debug('hidden');
    logger.log('trace', 'hidden too');
    logger.info('shown');
    logger.error('also shown');
    expect(seen.map(([at, m]) => `${at}:${m}`)).to.deep.equal(['info:shown', 'error:also shown']);
    expect(logger.level).to.equal('info');
  });

  it('merges child metadata under the entry, the entry winning', () => {
    const { logger, seen } = capture('debug');
    logger.child({ step: 'a', rpc: 'x' }).child({ rpc: 'y' }).warn('w', { rpc: 'z', id: 1 });
    logger.child({ step: 'b' }).debug('d');
    expect(seen).to.deep.equal([
      ['warn', 'w', { step: 'a', rpc: 'z', id: 1 }],
      ['debug', 'd', { step: 'b' }],
    ]);
  });

  it('reads trace as debug in the rpc log function', () => {
    const { logger, seen } = capture('debug');
    logger.log('trace', 'frame', { id: 3 });
    logger.log('warn', 'slow');
    expect(seen).to.deep.equal([
      ['debug', 'frame', { id: 3 }],
      ['warn', 'slow', {}],
    ]);
  });
});
