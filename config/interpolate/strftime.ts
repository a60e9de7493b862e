/**
 * The `strftime` template function's format language, as Packer implements it (through the
 * small Go strftime package its SDK uses): each directive maps to a Go layout element, `%%` is a
 * percent sign, and an unknown directive is copied through unchanged (`%Q` stays `%Q`).
 */
import { formatGoTime, UTC, type GoInstant, type GoTimeZone } from './go-time.js';

const directives: Readonly<Record<string, string>> = {
  B: 'January',
  b: 'Jan',
  m: '01',
  A: 'Monday',
  a: 'Mon',
  d: '02',
  H: '15',
  I: '03',
  M: '04',
  S: '05',
  Y: '2006',
  y: '06',
  p: 'PM',
  Z: 'MST',
  z: '-0700',
  L: '.000',
};

/**
 * Formats `time` with C-style directives: `%a %A %b %B %d %H %I %L %m %M %p %S %y %Y %z %Z %%`.
 *
 * @example
 * strftime('%Y-%m-%d %H:%M:%S', new Date('2012-06-21T02:12:56Z')) // '2012-06-21 02:12:56'
 */
export function strftime(format: string, time: Date | GoInstant, zone: GoTimeZone = UTC): string {
  let out = '';
  for (let i = 0; i < format.length;) {
    const percent = format.indexOf('%', i);
    const at = percent < 0 ? format.length : percent;
    out += format.slice(i, at);
    if (at + 1 < format.length) {
      const c = format[at + 1]!;
      const layout = directives[c];
      if (c === '%') out += '%';
      else if (layout !== undefined) out += formatGoTime(time, layout, zone);
      else out += `%${c}`;
    } else if (at < format.length) {
      out += '%'; // a lone trailing percent sign
    }
    i = at + 2;
  }
  return out;
}
