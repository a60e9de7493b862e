import { expect } from 'chai';
import fc from 'fast-check';
import {
  formatDuration,
  formatDurationMs,
  parseDuration,
  parseDurationMs,
  tryParseDuration,
} from '../../config/duration.js';
import { isSdkError } from '../../errors/index.js';

const NS = 1n;
const US = 1_000n;
const MS = 1_000_000n;
const S = 1_000_000_000n;
const M = 60n * S;
const H = 60n * M;
const MAX = (1n << 63n) - 1n;
const MIN = -(1n << 63n);

describe('config/duration', () => {
  describe('parseDuration (Go time.ParseDuration)', () => {
    // Vectors from Go's time package tests.
    const valid: [string, bigint][] = [
      ['0', 0n],
      ['5s', 5n * S],
      ['30s', 30n * S],
      ['1478s', 1478n * S],
      ['-5s', -5n * S],
      ['+5s', 5n * S],
      ['-0', 0n],
      ['+0', 0n],
      ['5.0s', 5n * S],
      ['5.6s', 5n * S + 600n * MS],
      ['5.s', 5n * S],
      ['.5s', 500n * MS],
      ['1.0s', 1n * S],
      ['1.00s', 1n * S],
      ['1.004s', 1n * S + 4n * MS],
      ['1.0040s', 1n * S + 4n * MS],
      ['100.00100s', 100n * S + 1n * MS],
      ['10ns', 10n * NS],
      ['11us', 11n * US],
      ['12µs', 12n * US],
      ['12μs', 12n * US],
      ['13ms', 13n * MS],
      ['14s', 14n * S],
      ['15m', 15n * M],
      ['16h', 16n * H],
      ['3h30m', 3n * H + 30n * M],
      ['10.5s4m', 4n * M + 10n * S + 500n * MS],
      ['-2m3.4s', -(2n * M + 3n * S + 400n * MS)],
      ['1h2m3s4ms5us6ns', H + 2n * M + 3n * S + 4n * MS + 5n * US + 6n * NS],
      ['39h9m14.425s', 39n * H + 9n * M + 14n * S + 425n * MS],
      ['52763797000ns', 52763797000n * NS],
      ['0.3333333333333333333h', 20n * M],
      ['9007199254740993ns', (1n << 53n) + 1n],
      ['9223372036854775807ns', MAX],
      ['9223372036854775.807us', MAX],
      ['9223372036s854ms775us807ns', MAX],
      ['-9223372036854775808ns', MIN],
      ['-9223372036854775.808us', MIN],
      ['-9223372036s854ms775us808ns', MIN],
      ['-2562047h47m16.854775808s', MIN],
      ['0.100000000000000000000h', 6n * M],
      ['0.830103483285477580700h', 49n * M + 48n * S + 372539827n * NS],
      ['1h2m3.5s', H + 2n * M + 3500n * MS],
    ];
    for (const [text, ns] of valid) {
      it(`parses ${JSON.stringify(text)}`, () => {
        expect(parseDuration(text)).to.equal(ns);
      });
    }

    const invalid: [string, RegExp][] = [
      ['', /invalid duration ""/],
      ['3', /missing unit in duration "3"/],
      ['-', /invalid duration/],
      ['s', /invalid duration/],
      ['.', /invalid duration/],
      ['-.', /invalid duration/],
      ['.s', /invalid duration/],
      ['+.s', /invalid duration/],
      ['1d', /unknown unit "d" in duration "1d"/],
      ['1sm', /unknown unit "sm"/],
      ['9223372036854775808ns', /invalid duration/],
      ['9223372036854775.808us', /invalid duration/],
      ['9223372036854ms775us808ns', /invalid duration/],
      ['-9223372036854775809ns', /invalid duration/],
      ['3000000h', /invalid duration/],
      ['5 s', /unknown unit " s"/],
    ];
    for (const [text, message] of invalid) {
      it(`rejects ${JSON.stringify(text)} with Go's message`, () => {
        const result = tryParseDuration(text);
        expect(result.ok).to.equal(false);
        if (!result.ok) expect(result.message).to.match(message);
        expect(() => parseDuration(text))
          .to.throw()
          .that.satisfies((e: unknown) => isSdkError(e, 'PKR_ERR_DURATION_INVALID'));
      });
    }

    it('converts to milliseconds, fractional below 1 ms', () => {
      expect(parseDurationMs('5m')).to.equal(300_000);
      expect(parseDurationMs('300ms')).to.equal(300);
      expect(parseDurationMs('1us')).to.equal(0.001);
      expect(parseDurationMs('-1s')).to.equal(-1000);
    });
  });

  describe('formatDuration (Go Duration.String)', () => {
    const vectors: [string, bigint][] = [
      ['0s', 0n],
      ['1ns', 1n],
      ['1.1µs', 1100n],
      ['2.2ms', 2200n * US],
      ['3.3s', 3300n * MS],
      ['4m5s', 4n * M + 5n * S],
      ['4m5.001s', 4n * M + 5001n * MS],
      ['5h6m7.001s', 5n * H + 6n * M + 7001n * MS],
      ['8m0.000000001s', 8n * M + 1n],
      ['2562047h47m16.854775807s', MAX],
      ['-2562047h47m16.854775808s', MIN],
      ['5m0s', 5n * M],
      ['1h0m0s', H],
      ['-1.5µs', -1500n],
    ];
    for (const [text, ns] of vectors) {
      it(`formats ${ns} as ${text}`, () => {
        expect(formatDuration(ns)).to.equal(text);
      });
    }

    it('formats milliseconds', () => {
      expect(formatDurationMs(300_000)).to.equal('5m0s');
      expect(formatDurationMs(1.5)).to.equal('1.5ms');
    });

    it('refuses values outside int64', () => {
      expect(() => formatDuration(MAX + 1n)).to.throw(/outside/);
    });
  });

  describe('properties', () => {
    const anyDuration = fc.bigInt({ min: MIN, max: MAX });

    it('parses what it formats back to the same value', () => {
      fc.assert(
        fc.property(anyDuration, (ns) => {
          expect(parseDuration(formatDuration(ns))).to.equal(ns);
        }),
      );
    });

    it('adds up the terms of a compound duration', () => {
      const unit = fc.constantFrom<[string, bigint]>(
        ['h', H],
        ['m', M],
        ['s', S],
        ['ms', MS],
        ['us', US],
        ['ns', NS],
      );
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), unit), { minLength: 1, maxLength: 6 }),
          (terms) => {
            const text = terms.map(([n, [u]]) => `${n}${u}`).join('');
            const total = terms.reduce((sum, [n, [, size]]) => sum + BigInt(n) * size, 0n);
            expect(parseDuration(text)).to.equal(total);
            expect(parseDuration(`-${text}`)).to.equal(-total);
          },
        ),
      );
    });

    it('never throws anything but a coded error on arbitrary input', () => {
      fc.assert(
        fc.property(fc.string(), (text) => {
          const result = tryParseDuration(text);
          if (result.ok) expect(result.ns >= MIN && result.ns <= MAX).to.equal(true);
        }),
      );
    });
  });
});
