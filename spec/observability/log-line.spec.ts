import { expect } from 'chai';
import fc from 'fast-check';
import { formatLogLine, formatValue } from '../../observability/log-line.js';
import { SdkError } from '../../errors/index.js';

describe('observability/log-line', () => {
  const cases: [string, string, Record<string, unknown>, string][] = [
    ['info', 'plain', {}, '[INFO] plain'],
    ['debug', 'with meta', { step: 'a/b', n: 3, ok: true }, '[DEBUG] with meta step=a/b n=3 ok=true'],
    ['warn', 'spaces', { text: 'two words' }, '[WARN] spaces text="two words"'],
    ['error', 'quotes', { q: 'say "hi"', eq: 'a=b' }, '[ERROR] quotes q="say \\"hi\\"" eq="a=b"'],
    ['info', 'big', { n: 2n ** 70n }, `[INFO] big n=${(2n ** 70n).toString()}`],
    ['info', 'empty', { s: '' }, '[INFO] empty s=""'],
    ['info', 'nested', { o: { a: [1, 'x'] } }, '[INFO] nested o={"a":[1,"x"]}'],
    ['info', 'undefined dropped', { gone: undefined, n: null }, '[INFO] undefined dropped n=null'],
    ['info', 'odd key', { 'two words': 1 }, '[INFO] odd key "two words"=1'],
  ];
  for (const [level, message, meta, line] of cases) {
    it(`formats ${message}`, () => {
      expect(formatLogLine(level, message, meta)).to.equal(line);
    });
  }

  it('renders errors by their description (code and cause chain)', () => {
    const err = new SdkError('PKR_ERR_CANCELLED', 'stopped', { cause: new Error('by Packer') });
    expect(formatValue(err)).to.equal(JSON.stringify('[PKR_ERR_CANCELLED] stopped: by Packer'));
  });

  it('summarises values JSON cannot hold instead of dropping the entry', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(formatValue(cycle)).to.equal('"<unserialisable Object>"');
    expect(formatValue(() => 1)).to.match(/^"<function/);
  });

  it('keeps every string value recoverable and the pair unsplittable (property)', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const text = formatValue(value);
        expect(/\s/.test(text.replace(/"(?:[^"\\]|\\.)*"/g, ''))).to.equal(false);
        expect(text.startsWith('"') ? JSON.parse(text) : text).to.equal(value);
      }),
    );
  });
});
