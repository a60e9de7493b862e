/**
 * Go's `time.Time.Format`: layouts are written as the reference time
 * `Mon Jan 2 15:04:05 MST 2006` (`01/02 03:04:05PM '06 -0700`) would look. Every layout element
 * Go recognises is supported: `January Jan 1 01 Monday Mon 2 _2 02 __2 002 15 3 03 4 04 5 05
 * 2006 06 PM pm MST Z0700 Z070000 Z07 Z07:00 Z07:00:00 -0700 -070000 -07 -07:00 -07:00:00`
 * and fractional seconds `.0… .9… ,0… ,9…`. Anything else is copied as is.
 */

/** A fixed time zone: Go prints `name` for `MST` and the offset for the numeric elements. */
export interface GoTimeZone {
  /** Abbreviation printed for `MST`; empty prints the numeric offset instead (`-0700`). */
  readonly name: string;
  /** Seconds east of UTC. */
  readonly offsetSeconds: number;
}

/** Packer formats every time in UTC. */
export const UTC: GoTimeZone = { name: 'UTC', offsetSeconds: 0 };

/** An instant with nanosecond precision, for layouts with more fraction digits than a Date holds. */
export interface GoInstant {
  readonly unixSeconds: number;
  /** 0 ≤ nanoseconds < 1e9. */
  readonly nanoseconds: number;
}

/** Go's predefined layouts. */
export const goLayouts = {
  Layout: "01/02 03:04:05PM '06 -0700",
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
  Kitchen: '3:04PM',
  Stamp: 'Jan _2 15:04:05',
  StampMilli: 'Jan _2 15:04:05.000',
  StampMicro: 'Jan _2 15:04:05.000000',
  StampNano: 'Jan _2 15:04:05.000000000',
} as const;

type Std =
  | { kind: 'longMonth' | 'month' | 'numMonth' | 'zeroMonth' }
  | { kind: 'longWeekDay' | 'weekDay' }
  | { kind: 'day' | 'underDay' | 'zeroDay' | 'underYearDay' | 'zeroYearDay' }
  | { kind: 'hour' | 'hour12' | 'zeroHour12' | 'minute' | 'zeroMinute' | 'second' | 'zeroSecond' }
  | { kind: 'longYear' | 'year' | 'PM' | 'pm' | 'TZ' }
  | { kind: 'zone'; iso: boolean; colon: boolean; seconds: boolean; short: boolean }
  | { kind: 'frac'; digits: number; trim: boolean; separator: string };

const zeroX: Record<string, Std['kind']> = {
  '1': 'zeroMonth',
  '2': 'zeroDay',
  '3': 'zeroHour12',
  '4': 'zeroMinute',
  '5': 'zeroSecond',
  '6': 'year',
};

const zoneElements: ReadonlyArray<[string, Std]> = [
  ['Z070000', { kind: 'zone', iso: true, colon: false, seconds: true, short: false }],
  ['Z07:00:00', { kind: 'zone', iso: true, colon: true, seconds: true, short: false }],
  ['Z0700', { kind: 'zone', iso: true, colon: false, seconds: false, short: false }],
  ['Z07:00', { kind: 'zone', iso: true, colon: true, seconds: false, short: false }],
  ['Z07', { kind: 'zone', iso: true, colon: false, seconds: false, short: true }],
  ['-070000', { kind: 'zone', iso: false, colon: false, seconds: true, short: false }],
  ['-07:00:00', { kind: 'zone', iso: false, colon: true, seconds: true, short: false }],
  ['-0700', { kind: 'zone', iso: false, colon: false, seconds: false, short: false }],
  ['-07:00', { kind: 'zone', iso: false, colon: true, seconds: false, short: false }],
  ['-07', { kind: 'zone', iso: false, colon: false, seconds: false, short: true }],
];

const startsWithLower = (s: string): boolean => s.length > 0 && s[0]! >= 'a' && s[0]! <= 'z';
const isDigitAt = (s: string, i: number): boolean => i < s.length && s[i]! >= '0' && s[i]! <= '9';

/** Go's `nextStdChunk`: the text before the next layout element, the element, and the rest. */
function nextChunk(layout: string): { prefix: string; std: Std | undefined; suffix: string } {
  const cut = (i: number, len: number, std: Std) => ({
    prefix: layout.slice(0, i),
    std,
    suffix: layout.slice(i + len),
  });
  for (let i = 0; i < layout.length; i++) {
    const rest = layout.slice(i);
    switch (layout[i]) {
      case 'J':
        if (rest.startsWith('Jan')) {
          if (rest.startsWith('January')) return cut(i, 7, { kind: 'longMonth' });
          if (!startsWithLower(rest.slice(3))) return cut(i, 3, { kind: 'month' });
        }
        break;
      case 'M':
        if (rest.startsWith('Mon')) {
          if (rest.startsWith('Monday')) return cut(i, 6, { kind: 'longWeekDay' });
          if (!startsWithLower(rest.slice(3))) return cut(i, 3, { kind: 'weekDay' });
        }
        if (rest.startsWith('MST')) return cut(i, 3, { kind: 'TZ' });
        break;
      case '0': {
        const d = rest[1];
        if (d !== undefined && d >= '1' && d <= '6') return cut(i, 2, { kind: zeroX[d]! } as Std);
        if (rest.startsWith('002')) return cut(i, 3, { kind: 'zeroYearDay' });
        break;
      }
      case '1':
        if (rest[1] === '5') return cut(i, 2, { kind: 'hour' });
        return cut(i, 1, { kind: 'numMonth' });
      case '2':
        if (rest.startsWith('2006')) return cut(i, 4, { kind: 'longYear' });
        return cut(i, 1, { kind: 'day' });
      case '_':
        if (rest[1] === '2') {
          // "_2006" is a literal underscore followed by the year.
          if (rest.startsWith('_2006')) return cut(i + 1, 4, { kind: 'longYear' });
          return cut(i, 2, { kind: 'underDay' });
        }
        if (rest.startsWith('__2')) return cut(i, 3, { kind: 'underYearDay' });
        break;
      case '3':
        return cut(i, 1, { kind: 'hour12' });
      case '4':
        return cut(i, 1, { kind: 'minute' });
      case '5':
        return cut(i, 1, { kind: 'second' });
      case 'P':
        if (rest[1] === 'M') return cut(i, 2, { kind: 'PM' });
        break;
      case 'p':
        if (rest[1] === 'm') return cut(i, 2, { kind: 'pm' });
        break;
      case '-':
      case 'Z':
        for (const [text, std] of zoneElements) if (rest.startsWith(text)) return cut(i, text.length, std);
        break;
      case '.':
      case ',': {
        const ch = rest[1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            return cut(i, j - i, {
              kind: 'frac',
              digits: j - (i + 1),
              trim: ch === '9',
              separator: layout[i]!,
            });
          }
        }
        break;
      }
    }
  }
  return { prefix: layout, std: undefined, suffix: '' };
}

const longDays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const longMonths = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Go's `appendInt`: a sign, then the digits zero-padded to `width`. */
function pad(x: number, width: number): string {
  const digits = String(Math.abs(x)).padStart(width, '0');
  return x < 0 ? `-${digits}` : digits;
}

function formatZone(offset: number, std: Extract<Std, { kind: 'zone' }>): string {
  if (offset === 0 && std.iso) return 'Z';
  const abs = Math.abs(offset);
  const zone = Math.trunc(abs / 60);
  let out = `${offset < 0 ? '-' : '+'}${pad(Math.trunc(zone / 60), 2)}`;
  if (std.colon) out += ':';
  if (!std.short) out += pad(zone % 60, 2);
  if (std.seconds) {
    if (std.colon) out += ':';
    out += pad(abs % 60, 2);
  }
  return out;
}

function formatFraction(nanos: number, std: Extract<Std, { kind: 'frac' }>): string {
  let digits = String(nanos).padStart(9, '0');
  let n = Math.min(std.digits, 9);
  if (std.trim) {
    while (n > 0 && digits[n - 1] === '0') n--;
    if (n === 0) return '';
  }
  digits = digits.slice(0, n);
  return std.separator + digits;
}

/**
 * Formats `time` the way Go's `Time.In(zone).Format(layout)` does.
 *
 * @example
 * formatGoTime(new Date('2014-06-07T19:22:43Z'), '2006-01-02') // '2014-06-07'
 */
export function formatGoTime(time: Date | GoInstant, layout: string, zone: GoTimeZone = UTC): string {
  let unixSeconds: number;
  let nanos: number;
  if (time instanceof Date) {
    const ms = time.getTime();
    unixSeconds = Math.floor(ms / 1000);
    nanos = (ms - unixSeconds * 1000) * 1e6;
  } else {
    unixSeconds = time.unixSeconds;
    nanos = time.nanoseconds;
  }
  const local = new Date((unixSeconds + zone.offsetSeconds) * 1000);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth(); // 0-based
  const day = local.getUTCDate();
  const hour = local.getUTCHours();
  const minute = local.getUTCMinutes();
  const second = local.getUTCSeconds();
  const weekday = local.getUTCDay();
  const yday = Math.round((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;

  let out = '';
  let rest = layout;
  while (rest !== '') {
    const { prefix, std, suffix } = nextChunk(rest);
    out += prefix;
    if (std === undefined) break;
    rest = suffix;
    switch (std.kind) {
      case 'year':
        out += pad(Math.abs(year) % 100, 2);
        break;
      case 'longYear':
        out += pad(year, 4);
        break;
      case 'month':
        out += longMonths[month]!.slice(0, 3);
        break;
      case 'longMonth':
        out += longMonths[month]!;
        break;
      case 'numMonth':
        out += String(month + 1);
        break;
      case 'zeroMonth':
        out += pad(month + 1, 2);
        break;
      case 'weekDay':
        out += longDays[weekday]!.slice(0, 3);
        break;
      case 'longWeekDay':
        out += longDays[weekday]!;
        break;
      case 'day':
        out += String(day);
        break;
      case 'underDay':
        out += (day < 10 ? ' ' : '') + String(day);
        break;
      case 'zeroDay':
        out += pad(day, 2);
        break;
      case 'underYearDay':
        out += String(yday).padStart(3, ' ');
        break;
      case 'zeroYearDay':
        out += pad(yday, 3);
        break;
      case 'hour':
        out += pad(hour, 2);
        break;
      case 'hour12':
        out += String(hour % 12 === 0 ? 12 : hour % 12);
        break;
      case 'zeroHour12':
        out += pad(hour % 12 === 0 ? 12 : hour % 12, 2);
        break;
      case 'minute':
        out += String(minute);
        break;
      case 'zeroMinute':
        out += pad(minute, 2);
        break;
      case 'second':
        out += String(second);
        break;
      case 'zeroSecond':
        out += pad(second, 2);
        break;
      case 'PM':
        out += hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += hour >= 12 ? 'pm' : 'am';
        break;
      case 'zone':
        out += formatZone(zone.offsetSeconds, std);
        break;
      case 'TZ':
        if (zone.name !== '') {
          out += zone.name;
        } else {
          const minutes = Math.trunc(Math.abs(zone.offsetSeconds) / 60);
          out += `${zone.offsetSeconds < 0 ? '-' : '+'}${pad(Math.trunc(minutes / 60), 2)}${pad(minutes % 60, 2)}`;
        }
        break;
      case 'frac':
        out += formatFraction(nanos, std);
        break;
    }
  }
  return out;
}
