import { expect } from 'chai';
import fc from 'fast-check';
import { isSdkError } from '../../errors/index.js';
import { SPECIAL_KEYS, needsShift } from '../../steps/boot-command-keys.js';
import { parseBootCommand, scanBootCommand, type BootAction } from '../../steps/boot-command-parse.js';

/** Compact form of an action: `a`, `<enter>`, `<leftCtrl>+`, `<leftCtrl>-`, `~5000ms`. */
function show(action: BootAction): string {
  if (action.type === 'wait') return `~${action.ms}ms`;
  const name = action.key.kind === 'char' ? action.key.char : `<${action.key.name}>`;
  return action.type === 'press' ? name : `${name}${action.type === 'down' ? '+' : '-'}`;
}

const parse = (command: string | string[]): string[] => parseBootCommand(command).map(show);

describe('steps/boot-command-parse: the boot-command grammar', () => {
  const valid: [string, string | string[], string[]][] = [
    ['plain text', 'ab c', ['a', 'b', ' ', 'c']],
    ['empty command', '', []],
    ['no entries', [], []],
    ['enter', '<enter>', ['<enter>']],
    ['return', '<return>', ['<return>']],
    ['esc and tab', '<esc><tab>', ['<esc>', '<tab>']],
    ['backspace and delete', '<bs><del>', ['<bs>', '<del>']],
    ['spacebar', '<spacebar>', ['<spacebar>']],
    ['insert home end', '<insert><home><end>', ['<insert>', '<home>', '<end>']],
    ['page keys', '<pageUp><pageDown>', ['<pageUp>', '<pageDown>']],
    ['arrows', '<up><down><left><right>', ['<up>', '<down>', '<left>', '<right>']],
    ['f1 and f12', '<f1><f12>', ['<f1>', '<f12>']],
    ['f10 is not f1 then 0', '<f10>', ['<f10>']],
    ['f11', '<f11>', ['<f11>']],
    ['menu', '<menu>', ['<menu>']],
    ['super keys', '<leftSuper><rightSuper>', ['<leftSuper>', '<rightSuper>']],
    ['command and option keys', '<leftCommand><rightOption>', ['<leftCommand>', '<rightOption>']],
    ['names are case-insensitive', '<ENTER><PageUp><LEFTALT>', ['<enter>', '<pageUp>', '<leftAlt>']],
    ['modifier held and released', '<leftCtrlOn>c<leftCtrlOff>', ['<leftCtrl>+', 'c', '<leftCtrl>-']],
    ['on/off are case-insensitive', '<leftAltON>x<leftAltoff>', ['<leftAlt>+', 'x', '<leftAlt>-']],
    ['left with On is not leftAlt', '<leftOn><rightOff>', ['<left>+', '<right>-']],
    ['f1On', '<f1On><f1Off>', ['<f1>+', '<f1>-']],
    ['character held', '<aOn><aOff>', ['a+', 'a-']],
    ['the < character held', '<<On>', ['<+']],
    ['wait defaults to one second', '<wait>', ['~1000ms']],
    ['wait in seconds', '<wait5>', ['~5000ms']],
    ['wait 10', '<wait10>', ['~10000ms']],
    ['wait with a duration', '<wait1m30s>', ['~90000ms']],
    ['wait in milliseconds', '<wait300ms>', ['~300ms']],
    ['wait with a fraction', '<wait0.5s>', ['~500ms']],
    ['wait in hours', '<wait1h>', ['~3600000ms']],
    ['wait with micro sign', '<wait1500\u00b5s>', ['~1.5ms']],
    ['a lone < is typed', 'a < b', ['a', ' ', '<', ' ', 'b']],
    ['< without > is typed', '<enter', ['<', 'e', 'n', 't', 'e', 'r']],
    ['<= is typed', 'if a <= b', ['i', 'f', ' ', 'a', ' ', '<', '=', ' ', 'b']],
    ['a URL stays text', 'ks=http://1.2.3.4:80/ks.cfg', [...'ks=http://1.2.3.4:80/ks.cfg']],
    ['shell redirect is typed', 'echo x >/dev/null', [...'echo x >/dev/null']],
    ['unicode characters are one key each', 'é€😀', ['é', '€', '😀']],
    ['entries are typed in sequence', ['<esc>', 'ab', '<enter>'], ['<esc>', 'a', 'b', '<enter>']],
    ['a token may span entries, as Packer joins them', ['<wa', 'it5>'], ['~5000ms']],
    ['newline inside an entry is a character', 'a\nb', ['a', '\n', 'b']],
  ];

  for (const [name, input, expected] of valid) {
    it(`parses ${name}: ${JSON.stringify(input)}`, () => {
      expect(parse(input)).to.deep.equal(expected);
    });
  }

  const invalid: [
    string,
    string | string[],
    { path: string; line: number; column: number; reason: RegExp }[],
  ][] = [
    [
      'an unknown key',
      'ab<entr>',
      [{ path: 'boot_command', line: 1, column: 3, reason: /unknown key <entr> \(did you mean <enter>\?\)/ }],
    ],
    [
      'wait with a leading zero',
      '<wait05>',
      [
        {
          path: 'boot_command',
          line: 1,
          column: 1,
          reason: /unknown key <wait05> \(did you mean <wait>\?\)/,
        },
      ],
    ],
    [
      'a fraction without unit',
      '<wait1.5>',
      [{ path: 'boot_command', line: 1, column: 1, reason: /unknown key <wait1\.5>/ }],
    ],
    ['waitOn', '<waitOn>', [{ path: 'boot_command', line: 1, column: 1, reason: /unknown key <waitOn>/ }]],
    [
      '"wait" is case-sensitive',
      '<WAIT5>',
      [{ path: 'boot_command', line: 1, column: 1, reason: /unknown key <WAIT5>/ }],
    ],
    [
      'zero wait',
      'x<wait0>',
      [{ path: 'boot_command', line: 1, column: 2, reason: /^Expecting a positive wait value\. Got 0s$/ }],
    ],
    [
      'negative wait',
      '<wait-5s>',
      [{ path: 'boot_command', line: 1, column: 1, reason: /^Expecting a positive wait value\. Got -5s$/ }],
    ],
    [
      'sign inside a duration',
      '<wait1m-30s>',
      [
        {
          path: 'boot_command',
          line: 1,
          column: 1,
          reason: /^time: unknown unit "m-" in duration "1m-30s"$/,
        },
      ],
    ],
    [
      'a duration out of range',
      '<wait9999999999h>',
      [{ path: 'boot_command', line: 1, column: 1, reason: /invalid duration/ }],
    ],
    [
      'the position names the entry',
      ['<esc>', 'abc<Foo>'],
      [
        {
          path: 'boot_command[1]',
          line: 1,
          column: 4,
          reason: /unknown key <Foo>\. Valid keys: <bs> <del> <down>/,
        },
      ],
    ],
    [
      'a line and column inside a multi-line entry',
      'ok\nx <nope>',
      [{ path: 'boot_command', line: 2, column: 3, reason: /unknown key <nope>/ }],
    ],
    [
      'every problem is reported',
      ['<entr>', '<wait0><f13>'],
      [
        { path: 'boot_command[0]', line: 1, column: 1, reason: /<entr>/ },
        { path: 'boot_command[1]', line: 1, column: 1, reason: /positive wait/ },
        {
          path: 'boot_command[1]',
          line: 1,
          column: 8,
          reason: /unknown key <f13> \(did you mean <f1\d?>\?\)/,
        },
      ],
    ],
    [
      'columns count characters, not bytes',
      'é€<bad>',
      [{ path: 'boot_command', line: 1, column: 3, reason: /<bad>/ }],
    ],
  ];

  for (const [name, input, expected] of invalid) {
    it(`rejects ${name}: ${JSON.stringify(input)}`, () => {
      const problems = scanBootCommand(input).problems;
      expect(problems.map((p) => ({ path: p.path, line: p.at.line, column: p.at.column }))).to.deep.equal(
        expected.map(({ path, line, column }) => ({ path, line, column })),
      );
      problems.forEach((p, i) => expect(p.reason).to.match(expected[i]!.reason));
      try {
        parseBootCommand(input);
        expect.fail('should have thrown');
      } catch (err) {
        expect(isSdkError(err, 'PKR_ERR_BOOT_COMMAND_SYNTAX'), String(err)).to.equal(true);
        expect((err as Error).message).to.include(`${expected[0]!.path}: `);
      }
    });
  }

  it('lists every valid key in the unknown-key message', () => {
    const [problem] = scanBootCommand('<nope>').problems;
    for (const key of SPECIAL_KEYS) expect(problem!.reason).to.include(`<${key}>`);
    expect(problem!.message).to.match(/^column 1: unknown key <nope>/);
  });

  it('types unknown <words> literally when asked to, as Packer does', () => {
    const actions = parseBootCommand('<foo><enter>', { unknownKeys: 'literal' }).map(show);
    expect(actions).to.deep.equal(['<', 'f', 'o', 'o', '>', '<enter>']);
  });

  it('names the field it was given', () => {
    const [problem] = scanBootCommand(['<nope>'], { field: 'vnc_boot' }).problems;
    expect(problem!.path).to.equal('vnc_boot[0]');
  });

  it('knows which characters need Shift on a US keyboard', () => {
    expect([...'aZ~1!:;"\'<>?/ é'].map(needsShift)).to.deep.equal([
      false,
      true,
      true,
      false,
      true,
      true,
      false,
      true,
      false,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  // Property: a command written from random tokens parses back to exactly those tokens.
  const token = fc.oneof(
    fc
      .string({ minLength: 1, maxLength: 1, unit: 'grapheme-ascii' })
      .filter((c) => c !== '<')
      .map((c) => ({ text: c, shown: c })),
    fc
      .tuple(fc.constantFrom(...SPECIAL_KEYS), fc.constantFrom('', 'On', 'Off', 'ON', 'off'), fc.boolean())
      .map(([key, suffix, upper]) => {
        const kind = suffix === '' ? '' : suffix.toLowerCase() === 'on' ? '+' : '-';
        return { text: `<${upper ? key.toUpperCase() : key}${suffix}>`, shown: `<${key}>${kind}` };
      }),
    fc.integer({ min: 1, max: 3600 }).map((s) => ({ text: `<wait${s}>`, shown: `~${s * 1000}ms` })),
    fc
      .integer({ min: 1, max: 59 })
      .map((m) => ({ text: `<wait${m}m${m}s>`, shown: `~${(m * 60 + m) * 1000}ms` })),
    fc.constantFrom('a', 'Z', '~', '<').map((c) => ({ text: `<${c}On>`, shown: `${c}+` })),
  );

  it('parses any sequence of valid tokens back to those tokens (property)', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 30 }), fc.integer({ min: 1, max: 4 }), (tokens, parts) => {
        // Split the tokens over entries at token boundaries, as a template would.
        const entries: string[] = Array.from({ length: parts }, () => '');
        tokens.forEach((t, i) => (entries[Math.floor((i * parts) / Math.max(tokens.length, 1))] += t.text));
        expect(parse(entries)).to.deep.equal(tokens.map((t) => t.shown));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but a coded error on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { maxLength: 4 }), (entries) => {
        const { actions, problems } = scanBootCommand(entries);
        for (const p of problems) {
          expect(p.at.entry).to.be.within(0, entries.length - 1);
          expect(p.at.column).to.be.greaterThan(0);
        }
        const pressed = actions.filter((a) => a.type !== 'wait').length;
        expect(pressed).to.be.at.most(entries.join('').length);
      }),
      { numRuns: 500 },
    );
  });
});
