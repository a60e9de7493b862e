import { expect } from 'chai';
import { createExcludeMatcher } from '../../../communicators/shared/exclude.js';
import { baseName, copiesDirectoryItself, copyRoot } from '../../../communicators/shared/dir-target.js';
import { shellQuote } from '../../../communicators/shared/shell-quote.js';
import { signalExitStatus } from '../../../communicators/shared/exit-status.js';

describe('communicators/shared', () => {
  describe('exclude patterns', () => {
    const cases: [string[], string, boolean, boolean][] = [
      [['*.log'], 'a.log', false, true],
      [['*.log'], 'deep/dir/a.log', false, true],
      [['*.log'], 'a.log.txt', false, false],
      [['.git'], 'sub/.git', true, true],
      [['build/tmp'], 'build/tmp', true, true],
      [['build/tmp'], 'x/build/tmp', true, false],
      [['/cache'], 'cache', true, true],
      [['/cache'], 'sub/cache', true, false],
      [['tmp/'], 'tmp', true, true],
      [['tmp/'], 'tmp', false, false],
      [['docs/**/*.bak'], 'docs/a.bak', false, true],
      [['docs/**/*.bak'], 'docs/x/y/a.bak', false, true],
      [['file?.txt'], 'file1.txt', false, true],
      [['file?.txt'], 'file10.txt', false, false],
      [['[ab].c'], 'b.c', false, true],
      [['[!ab].c'], 'b.c', false, false],
      [['\\*literal'], '*literal', false, true],
      [['\\*literal'], 'xliteral', false, false],
      [[], 'anything', false, false],
      [['', '  '], 'anything', false, false],
    ];
    for (const [patterns, rel, isDir, expected] of cases) {
      it(`${JSON.stringify(patterns)} ${expected ? 'excludes' : 'keeps'} ${rel}${isDir ? '/' : ''}`, () => {
        expect(createExcludeMatcher(patterns)(rel, isDir)).to.equal(expected);
      });
    }
  });

  describe('directory copy rule (trailing slash)', () => {
    it('copies the directory itself without a trailing slash, its contents with one', () => {
      expect(copyRoot('/dst', '/src/site', 'posix')).to.equal('/dst/site');
      expect(copyRoot('/dst', '/src/site/', 'posix')).to.equal('/dst');
      expect(copyRoot('/dst', 'site', 'local')).to.equal('/dst/site');
      expect(copiesDirectoryItself('.')).to.equal(false);
      expect(copiesDirectoryItself('..')).to.equal(false);
      expect(baseName('/a/b//')).to.equal('b');
    });
  });

  it('quotes shell words only when needed', () => {
    expect(shellQuote('/tmp/a-b_c.txt')).to.equal('/tmp/a-b_c.txt');
    expect(shellQuote('with space')).to.equal(`'with space'`);
    expect(shellQuote(`it's`)).to.equal(`'it'\\''s'`);
    expect(shellQuote('')).to.equal(`''`);
    expect(shellQuote('$(reboot)')).to.equal(`'$(reboot)'`);
  });

  it('maps signals to 128 + number', () => {
    expect(signalExitStatus('KILL')).to.equal(137);
    expect(signalExitStatus('SIGTERM')).to.equal(143);
    expect(signalExitStatus('WHATEVER')).to.equal(128);
  });
});
