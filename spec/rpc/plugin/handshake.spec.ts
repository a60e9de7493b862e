import { expect } from 'chai';
import type { CoreGuess } from '../../../rpc/plugin/core-detect.js';
import { chooseHandshake, formatHandshake } from '../../../rpc/plugin/handshake.js';

describe('rpc/plugin/handshake', () => {
  it('formats the 3-field line Packer 1.6 needs and the 4-field line Packer ≥ 1.7 needs', () => {
    expect(formatHandshake('legacy', 'unix', '/tmp/p/plugin.sock')).to.equal('5|unix|/tmp/p/plugin.sock\n');
    expect(formatHandshake('modern', 'unix', '/tmp/p/plugin.sock')).to.equal('5|0|unix|/tmp/p/plugin.sock\n');
    expect(formatHandshake('legacy', 'tcp', '127.0.0.1:10000')).to.equal('5|tcp|127.0.0.1:10000\n');
  });

  const start = { mode: 'start' as const, kind: 'builder' as const, name: 'x', protobuf: false };
  const legacyCall = { mode: 'legacy' as const, kind: 'builder' as const, name: 'x' };
  const guess = (generation: CoreGuess['generation']) => (): CoreGuess => ({
    generation,
    reason: `core is ${generation}`,
    hcldecPackage: 'x',
  });

  const table: [string, Parameters<typeof chooseHandshake>[0], NodeJS.ProcessEnv, () => CoreGuess, string][] =
    [
      [
        'the override wins over everything',
        { ...start, protobuf: true },
        { PACKER_SDK_HANDSHAKE: 'legacy' },
        guess('modern'),
        'legacy',
      ],
      ['--protobuf means Packer ≥ 1.12', { ...start, protobuf: true }, {}, guess('legacy'), 'modern'],
      ['a legacy core detected under start', start, {}, guess('legacy'), 'legacy'],
      [
        'a modern core detected under a legacy name (1.7–1.10 still run those)',
        legacyCall,
        {},
        guess('modern'),
        'modern',
      ],
      ['unknown core, legacy name', legacyCall, {}, guess('unknown'), 'legacy'],
      ['unknown core, start', start, {}, guess('unknown'), 'modern'],
      [
        'an unrecognised override is ignored',
        start,
        { PACKER_SDK_HANDSHAKE: 'v3' },
        guess('legacy'),
        'legacy',
      ],
    ];
  for (const [what, invocation, env, detect, flavor] of table) {
    it(what, () => {
      const choice = chooseHandshake(invocation, env, detect);
      expect(choice.flavor).to.equal(flavor);
      expect(choice.reason).to.be.a('string').and.not.equal('');
    });
  }

  it('does not look at the parent when the answer is already known', () => {
    let looked = false;
    chooseHandshake({ ...start, protobuf: true }, {}, () => {
      looked = true;
      return { generation: 'unknown', reason: '', hcldecPackage: 'x' };
    });
    expect(looked).to.equal(false);
  });
});
