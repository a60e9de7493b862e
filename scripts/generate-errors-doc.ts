/**
 * Writes docs/errors.md from the error registry (errors/codes.ts). `--check` exits 1 when the
 * file on disk is stale instead of writing it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { errorCodes } from '../errors/codes.js';

export function renderErrorsDoc(): string {
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated from errors/codes.ts by `make generate`; do not edit by hand. -->',
    '',
    'Every error the SDK raises on purpose is an `SdkError` with one of these codes (`err.code`),',
    'a message saying what happened, `err.details` with structured facts, and `err.hint` (the',
    'text below) saying what to do. Match on codes, not on messages.',
    '',
    '| code | what happened | what to do |',
    '|---|---|---|',
  ];
  for (const [code, { summary, hint }] of Object.entries(errorCodes)) {
    lines.push(`| \`${code}\` | ${summary.replace(/\|/g, '\\|')} | ${hint.replace(/\|/g, '\\|')} |`);
  }
  return `${lines.join('\n')}\n`;
}

const target = fileURLToPath(new URL('../docs/errors.md', import.meta.url));
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rendered = renderErrorsDoc();
  if (process.argv.includes('--check')) {
    if (readFileSync(target, 'utf8') !== rendered) {
      process.stderr.write('docs/errors.md is stale: run `make generate`\n');
      process.exit(1);
    }
  } else {
    writeFileSync(target, rendered);
  }
}
