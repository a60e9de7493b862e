import { expect } from 'chai';
import { accSkipReason, hasCommand, packerSkipReason } from '../../acctest/gate.js';

describe('acctest/gate', () => {
  it('runs acceptance tests only with PACKER_ACC set (0 and false read as off)', () => {
    const table: [string | undefined, boolean][] = [
      [undefined, false],
      ['', false],
      ['0', false],
      ['false', false],
      ['FALSE', false],
      ['1', true],
      ['yes', true],
      ['true', true],
    ];
    for (const [value, runs] of table) {
      const env = value === undefined ? {} : { PACKER_ACC: value };
      const reason = accSkipReason(env);
      expect(reason === undefined, String(value)).to.equal(runs);
      if (!runs) expect(reason).to.equal('acceptance tests run only with PACKER_ACC=1');
    }
  });

  it('finds commands on PATH', () => {
    expect(hasCommand('sh')).to.equal(true);
    expect(hasCommand('surely-no-such-command-here')).to.equal(false);
  });

  it('explains a missing packer binary', () => {
    expect(packerSkipReason('/nonexistent/packer', { install: false })).to.equal(
      '"/nonexistent/packer" is not installed (put Packer on PATH; as root on Debian the kit installs the packer package)',
    );
  });
});
