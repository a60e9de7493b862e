import { expect } from 'chai';
import fc from 'fast-check';
import { isSdkError } from '../../../errors/index.js';
import {
  parseTemplate,
  printTemplate,
  render,
  type InterpolationContext,
} from '../../../config/interpolate/index.js';

/** Pieces that template syntax is made of, so random strings hit the interesting paths. */
const fragments = [
  '{{',
  '}}',
  '{{- ',
  ' -}}',
  '{{/*',
  '*/}}',
  ' ',
  '\n',
  '\t',
  '.',
  '.A',
  '.B',
  '.L',
  '.M',
  '$',
  '$x',
  '$y',
  ':=',
  '=',
  ',',
  '|',
  '(',
  ')',
  '"a"',
  '"%d %s %v"',
  '`raw`',
  '"\\n"',
  "'c'",
  '1',
  '-2',
  '2.5',
  '0x1F',
  'true',
  'nil',
  'if',
  'else',
  'end',
  'range',
  'with',
  'break',
  'continue',
  'eq',
  'lt',
  'and',
  'or',
  'not',
  'len',
  'index',
  'slice',
  'print',
  'printf',
  'html',
  'js',
  'upper',
  'split',
  'replace',
  'build_name',
  'isotime',
  'user',
  'text',
  '}',
  '{',
  'é',
];

const templateText = fc
  .array(fc.constantFrom(...fragments), { maxLength: 24 })
  .map((parts) => parts.join(''));

/** Mostly well-formed actions, so the printer round trip sees real trees, not only errors. */
const action = fc.oneof(
  fc.constantFrom(
    '{{ .A }}',
    '{{ .M.k }}',
    '{{ $x := .A }}{{ $x }}',
    '{{ printf "%s-%d" .A 3 }}',
    '{{ .A | upper }}',
    '{{ if .A }}yes{{ else }}no{{ end }}',
    '{{ if eq 1 2 }}a{{ else if .B }}b{{ end }}',
    '{{ range $i, $e := .L }}{{ $i }}:{{ $e }},{{ end }}',
    '{{ range .L }}{{ if eq . 2 }}{{ break }}{{ end }}{{ . }}{{ end }}',
    '{{ with .M }}{{ .k }}{{ end }}',
    '{{ (index .L 0) }}',
    '{{ "{" }}',
    '{{- " trimmed " -}}',
    '{{/* note */}}',
    '{{ `raw\nstring` }}',
    '{',
  ),
  fc.string({ maxLength: 6 }).filter((s) => !s.includes('{{')),
);
const wellFormed = fc.array(action, { maxLength: 8 }).map((parts) => parts.join(''));

const ctx: InterpolationContext = {
  data: { A: 'alpha', B: '', L: [1, 2, 3], M: { k: 'v' } },
  buildName: 'web',
  userVariables: { a: 'b' },
  now: new Date('2020-01-02T03:04:05Z'),
};

function outcome(template: string): { output: string } | { code: string } {
  try {
    return { output: render(template, ctx) };
  } catch (error) {
    if (isSdkError(error)) return { code: error.code };
    throw error;
  }
}

describe('config/interpolate: properties', () => {
  it('renders text without "{{" as itself', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !s.includes('{{')),
        (text) => render(text, ctx) === text,
      ),
    );
  });

  it('never fails with anything but a coded template error', () => {
    fc.assert(
      fc.property(fc.oneof(templateText, wellFormed), (template) => {
        try {
          render(template, ctx);
        } catch (error) {
          if (!isSdkError(error)) throw error;
          expect(['PKR_ERR_TEMPLATE_SYNTAX', 'PKR_ERR_TEMPLATE_EXEC']).to.include(error.code);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('prints a parsed template back to text that renders the same', () => {
    fc.assert(
      fc.property(fc.oneof(wellFormed, templateText), (template) => {
        let parsed;
        try {
          parsed = parseTemplate(template);
        } catch (error) {
          if (isSdkError(error, 'PKR_ERR_TEMPLATE_SYNTAX')) return;
          throw error;
        }
        const printed = printTemplate(parsed);
        expect(outcome(printed)).to.deep.equal(outcome(template));
        // Printing is a fixed point after one round.
        expect(printTemplate(parseTemplate(printed))).to.equal(printed);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps the text between actions byte for byte', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string().filter((s) => !s.includes('{{') && !s.endsWith('{')),
          { minLength: 1, maxLength: 5 },
        ),
        (texts) => render(texts.join('{{ "" }}'), ctx) === texts.join(''),
      ),
    );
  });
});
