import { expect } from 'chai';
import fc from 'fast-check';
import {
  dirRecord,
  errorStatus,
  fileRecord,
  parseRecord,
  timesRecord,
} from '../../../communicators/ssh/scp-protocol.js';

describe('communicators/ssh/scp-protocol', () => {
  it('encodes records the way OpenSSH scp writes them', () => {
    expect(fileRecord(0o644, 12, 'a.txt').toString()).to.equal('C0644 12 a.txt\n');
    expect(fileRecord(0o4755, 0, 'suid').toString()).to.equal('C4755 0 suid\n');
    expect(dirRecord(0o700, 'd').toString()).to.equal('D0700 0 d\n');
    expect(timesRecord(new Date(1_700_000_000_999)).toString()).to.equal('T1700000000 0 1700000000 0\n');
    expect(errorStatus('scp: x: No such file', true)).to.deep.equal(
      Buffer.from('\x02scp: x: No such file\n'),
    );
  });

  const lines: [string, unknown][] = [
    ['C0644 12 a.txt', { kind: 'file', mode: 0o644, size: 12, name: 'a.txt' }],
    ['C0600 0 with space', { kind: 'file', mode: 0o600, size: 0, name: 'with space' }],
    ['D0755 0 dir', { kind: 'dir', mode: 0o755, name: 'dir' }],
    ['E', { kind: 'end' }],
    ['T1700000000 0 1600000000 0', { kind: 'times', mtime: 1_700_000_000, atime: 1_600_000_000 }],
    [
      '\x01scp: /x: No such file or directory',
      { kind: 'error', fatal: false, message: 'scp: /x: No such file or directory' },
    ],
    ['\x02fatal', { kind: 'error', fatal: true, message: 'fatal' }],
  ];
  for (const [line, record] of lines) {
    it(`parses ${JSON.stringify(line)}`, () => {
      expect(parseRecord(line)).to.deep.equal(record);
    });
  }

  const refused: [string, RegExp][] = [
    ['C0644 12 ../../etc/passwd', /unsafe name/],
    ['C0644 12 ..', /unsafe name/],
    ['D0755 0 .', /unsafe name/],
    ['C0644 12 a/b', /unsafe name/],
    ['C0644 12 ', /malformed/],
    ['C644 12 a', /malformed/],
    ['C0844 12 a', /malformed/],
    ['C0644 -1 a', /malformed/],
    ['C0644 99999999999999999999 a', /out of range/],
    ['Ex', /malformed/],
    ['T1 0 2', /malformed/],
    ['X', /unexpected/],
  ];
  for (const [line, message] of refused) {
    it(`refuses ${JSON.stringify(line)}`, () => {
      expect(() => parseRecord(line)).to.throw(message);
    });
  }

  it('will not send names that break the protocol', () => {
    expect(() => fileRecord(0o644, 1, 'a\nC0644 1 b')).to.throw(/newline/);
    expect(() => dirRecord(0o755, 'a/b')).to.throw(/'\/'/);
    expect(() => fileRecord(0o644, 1, '')).to.throw(/empty/);
  });

  it('round-trips every file record it can send', () => {
    const name = fc
      .string({ minLength: 1 })
      .filter((n) => !n.includes('/') && !n.includes('\n') && n !== '.' && n !== '..');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0o7777 }),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        name,
        (mode, size, n) => {
          const line = fileRecord(mode, size, n).toString('utf8').slice(0, -1);
          expect(parseRecord(line)).to.deep.equal({ kind: 'file', mode, size, name: n });
        },
      ),
    );
  });
});
