import { expect } from 'chai';
import { formatGoTime, goLayouts, UTC } from '../../../config/interpolate/index.js';
import { strftime } from '../../../config/interpolate/strftime.js';

/**
 * Expected strings were produced by Go 1.19: `time.Unix(s, ns).In(time.FixedZone(name,
 * offset)).Format(layout)`, and for `strftime` rows by the Go strftime package Packer's SDK
 * uses. The reference time 1136239445 is Go's `Mon Jan 2 15:04:05 MST 2006`.
 */
interface TimeCase {
  readonly name: string;
  readonly unixSeconds: number;
  readonly nanoseconds: number;
  readonly zone: { readonly name: string; readonly offsetSeconds: number };
  readonly layout: string;
  readonly expected: string;
  readonly strftime?: boolean;
}

const cases: readonly TimeCase[] = [
  {
    name: 'the reference time in MST',
    unixSeconds: 1136239445,
    nanoseconds: 0,
    zone: { name: 'MST', offsetSeconds: -25200 },
    layout: 'Mon Jan 2 15:04:05 MST 2006',
    expected: 'Mon Jan 2 15:04:05 MST 2006',
  },
  {
    name: 'Layout',
    unixSeconds: 1136239445,
    nanoseconds: 0,
    zone: { name: 'MST', offsetSeconds: -25200 },
    layout: "01/02 03:04:05PM '06 -0700",
    expected: "01/02 03:04:05PM '06 -0700",
  },
  {
    name: 'ANSIC',
    unixSeconds: 1136239445,
    nanoseconds: 0,
    zone: { name: 'MST', offsetSeconds: -25200 },
    layout: 'Mon Jan _2 15:04:05 2006',
    expected: 'Mon Jan  2 15:04:05 2006',
  },
  {
    name: 'UnixDate',
    unixSeconds: 1136239445,
    nanoseconds: 0,
    zone: { name: 'MST', offsetSeconds: -25200 },
    layout: 'Mon Jan _2 15:04:05 MST 2006',
    expected: 'Mon Jan  2 15:04:05 MST 2006',
  },
  {
    name: 'RubyDate',
    unixSeconds: 1136239445,
    nanoseconds: 0,
    zone: { name: 'MST', offsetSeconds: -25200 },
    layout: 'Mon Jan 02 15:04:05 -0700 2006',
    expected: 'Mon Jan 02 15:04:05 -0700 2006',
  },
  {
    name: 'RFC822',
    unixSeconds: 1136239445,
    nanoseconds: 0,
    zone: { name: 'MST', offsetSeconds: -25200 },
    layout: '02 Jan 06 15:04 MST',
    expected: '02 Jan 06 15:04 MST',
  },
  {
    name: 'RFC822Z',
    unixSeconds: 1136239445,
    nanoseconds: 0,
    zone: { name: 'MST', offsetSeconds: -25200 },
    layout: '02 Jan 06 15:04 -0700',
    expected: '02 Jan 06 15:04 -0700',
  },
  {
    name: 'RFC850',
    unixSeconds: 1136239445,
    nanoseconds: 0,
    zone: { name: 'MST', offsetSeconds: -25200 },
    layout: 'Monday, 02-Jan-06 15:04:05 MST',
    expected: 'Monday, 02-Jan-06 15:04:05 MST',
  },
  {
    name: 'RFC1123',
    unixSeconds: 1136239445,
    nanoseconds: 0,
    zone: { name: 'MST', offsetSeconds: -25200 },
    layout: 'Mon, 02 Jan 2006 15:04:05 MST',
    expected: 'Mon, 02 Jan 2006 15:04:05 MST',
  },
  {
    name: 'RFC1123Z',
    unixSeconds: 1136239445,
    nanoseconds: 0,
    zone: { name: 'MST', offsetSeconds: -25200 },
    layout: 'Mon, 02 Jan 2006 15:04:05 -0700',
    expected: 'Mon, 02 Jan 2006 15:04:05 -0700',
  },
  {
    name: 'RFC3339 in MST',
    unixSeconds: 1136239445,
    nanoseconds: 0,
    zone: { name: 'MST', offsetSeconds: -25200 },
    layout: '2006-01-02T15:04:05Z07:00',
    expected: '2006-01-02T15:04:05-07:00',
  },
  {
    name: 'RFC3339 in UTC prints Z',
    unixSeconds: 1136239445,
    nanoseconds: 0,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '2006-01-02T15:04:05Z07:00',
    expected: '2006-01-02T22:04:05Z',
  },
  {
    name: 'RFC3339Nano trims zeros',
    unixSeconds: 1136239445,
    nanoseconds: 123450000,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '2006-01-02T15:04:05.999999999Z07:00',
    expected: '2006-01-02T22:04:05.12345Z',
  },
  {
    name: 'Kitchen',
    unixSeconds: 1136239445,
    nanoseconds: 0,
    zone: { name: 'MST', offsetSeconds: -25200 },
    layout: '3:04PM',
    expected: '3:04PM',
  },
  {
    name: 'StampNano',
    unixSeconds: 1136239445,
    nanoseconds: 7,
    zone: { name: 'MST', offsetSeconds: -25200 },
    layout: 'Jan _2 15:04:05.000000000',
    expected: 'Jan  2 15:04:05.000000007',
  },
  {
    name: 'StampMicro',
    unixSeconds: 1136239445,
    nanoseconds: 123456789,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: 'Jan _2 15:04:05.000000',
    expected: 'Jan  2 22:04:05.123456',
  },
  {
    name: 'India half-hour offset',
    unixSeconds: 1700000000,
    nanoseconds: 0,
    zone: { name: 'IST', offsetSeconds: 19800 },
    layout: '2006-01-02 15:04:05 -0700 -07:00 -07 Z07:00 MST',
    expected: '2023-11-15 03:43:20 +0530 +05:30 +05 +05:30 IST',
  },
  {
    name: 'Nepal 45 minutes',
    unixSeconds: 1700000000,
    nanoseconds: 0,
    zone: { name: '+0545', offsetSeconds: 20700 },
    layout: '15:04 Z0700 Z07:00:00 -070000',
    expected: '03:58 +0545 +05:45:00 +054500',
  },
  {
    name: 'offset with seconds',
    unixSeconds: 1700000000,
    nanoseconds: 0,
    zone: { name: 'LMT', offsetSeconds: -5415 },
    layout: '-07:00:00 -070000 Z07:00:00 Z070000 Z07',
    expected: '-01:30:15 -013015 -01:30:15 -013015 -01',
  },
  {
    name: 'unnamed zone prints numeric MST',
    unixSeconds: 1700000000,
    nanoseconds: 0,
    zone: { name: '', offsetSeconds: 3600 },
    layout: 'MST',
    expected: '+0100',
  },
  {
    name: 'unnamed negative zone',
    unixSeconds: 1700000000,
    nanoseconds: 0,
    zone: { name: '', offsetSeconds: -34200 },
    layout: 'MST',
    expected: '-0930',
  },
  {
    name: 'date crosses midnight by zone',
    unixSeconds: 1700000000,
    nanoseconds: 0,
    zone: { name: 'NZDT', offsetSeconds: 46800 },
    layout: 'Monday 2006-01-02 15:04 002',
    expected: 'Wednesday 2023-11-15 11:13 319',
  },
  {
    name: 'comma fractions',
    unixSeconds: 1136239445,
    nanoseconds: 120000000,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '05,000 05,999 05,9',
    expected: '05,120 05,12 05,1',
  },
  {
    name: 'more than nine fraction digits',
    unixSeconds: 1136239445,
    nanoseconds: 123456789,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '.0000000000',
    expected: '.123456789',
  },
  {
    name: 'fraction followed by digit is literal',
    unixSeconds: 1136239445,
    nanoseconds: 500000000,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '.01 .991',
    expected: '.01 .991',
  },
  {
    name: 'lower-case after Jan and Mon is literal',
    unixSeconds: 1136239445,
    nanoseconds: 0,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: 'Janu Mond Jan. Mon.',
    expected: 'Janu Mond Jan. Mon.',
  },
  {
    name: 'day of year padding',
    unixSeconds: 1609459200,
    nanoseconds: 0,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '__2|002',
    expected: '  1|001',
  },
  {
    name: 'day of year three digits',
    unixSeconds: 1640908800,
    nanoseconds: 0,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '__2|002',
    expected: '365|365',
  },
  {
    name: 'negative year',
    unixSeconds: -62198755200,
    nanoseconds: 0,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '2006 06',
    expected: '-0001 01',
  },
  {
    name: 'year 10000',
    unixSeconds: 253402300800,
    nanoseconds: 0,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '2006-01-02',
    expected: '10000-01-01',
  },
  {
    name: 'before the epoch',
    unixSeconds: -1,
    nanoseconds: 999000000,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '2006-01-02T15:04:05.000',
    expected: '1969-12-31T23:59:59.999',
  },
  {
    name: 'numbers at start',
    unixSeconds: 1136239445,
    nanoseconds: 0,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '1 2 3 4 5 6 7 8 9',
    expected: '1 2 10 4 5 6 7 8 9',
  },
  {
    name: 'pm in lower case',
    unixSeconds: 1700000000,
    nanoseconds: 0,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '3:04pm 03PM',
    expected: '10:13pm 10PM',
  },
  {
    name: 'strftime basic',
    unixSeconds: 1340244776,
    nanoseconds: 0,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '%Y-%m-%d %H:%M:%S',
    expected: '2012-06-21 02:12:56',
    strftime: true,
  },
  {
    name: 'strftime names',
    unixSeconds: 1340244776,
    nanoseconds: 0,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '%a %A %b %B %p %y %I %Z %z',
    expected: 'Thu Thursday Jun June AM 12 02 UTC +0000',
    strftime: true,
  },
  {
    name: 'strftime milliseconds',
    unixSeconds: 1340244776,
    nanoseconds: 786000000,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '%H:%M:%S%L',
    expected: '02:12:56.786',
    strftime: true,
  },
  {
    name: 'strftime unknown directives pass through',
    unixSeconds: 1340244776,
    nanoseconds: 0,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '%0%1%%%2 %Q %e',
    expected: '%0%1%%2 %Q %e',
    strftime: true,
  },
  {
    name: 'strftime trailing percent',
    unixSeconds: 1340244776,
    nanoseconds: 0,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: '100%',
    expected: '100%',
    strftime: true,
  },
  {
    name: 'strftime text only',
    unixSeconds: 1340244776,
    nanoseconds: 0,
    zone: { name: 'UTC', offsetSeconds: 0 },
    layout: 'no directives',
    expected: 'no directives',
    strftime: true,
  },
  {
    name: 'strftime in a zone',
    unixSeconds: 1340244776,
    nanoseconds: 0,
    zone: { name: 'CEST', offsetSeconds: 7200 },
    layout: '%H %Z %z',
    expected: '04 CEST +0200',
    strftime: true,
  },
];

describe('config/interpolate/go-time', () => {
  for (const c of cases) {
    it(`${c.strftime === true ? 'strftime' : 'formats'}: ${c.name}`, () => {
      const instant = { unixSeconds: c.unixSeconds, nanoseconds: c.nanoseconds };
      const actual =
        c.strftime === true ? strftime(c.layout, instant, c.zone) : formatGoTime(instant, c.layout, c.zone);
      expect(actual).to.equal(c.expected);
    });
  }

  it('formats a Date in UTC by default, keeping its milliseconds', () => {
    const date = new Date('2014-06-07T19:22:43.786Z');
    expect(formatGoTime(date, goLayouts.RFC3339Nano)).to.equal('2014-06-07T19:22:43.786Z');
    expect(formatGoTime(date, goLayouts.StampMicro, UTC)).to.equal('Jun  7 19:22:43.786000');
  });

  it('copies a layout without elements unchanged', () => {
    expect(formatGoTime(new Date(0), 'plain text, no elements')).to.equal('plain text, no elements');
  });
});
