import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import {
  decodeMachineField,
  parseMachineLine,
  parseMachineReadable,
} from '../../acctest/machine-readable.js';

/** Output of real `packer -machine-readable` runs (Packer 1.6.6, examples/hello), kept verbatim. */
function captured(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** What Go's MachineReadableUi does to each data field (packer/ui.go @1.6.6). */
function encodeLikePacker(value: string): string {
  return value.replaceAll(',', '%!(PACKER_COMMA)').replaceAll('\r', '\\r').replaceAll('\n', '\\n');
}

describe('acctest/machine-readable', () => {
  it('reads the artifact of a successful HCL2 build', () => {
    const parsed = parseMachineReadable(captured('hcl-build.txt'));
    expect(parsed.other).to.deep.equal([]);
    expect(parsed.errorCount).to.equal(undefined);
    expect(parsed.errors).to.deep.equal([]);
    expect(parsed.artifacts).to.deep.equal([
      {
        target: 'hello-file.greeting',
        index: 0,
        builderId: 'example.hello',
        id: 'greeting.txt',
        string: 'example.hello artifact',
        files: ['greeting.txt'],
        nil: false,
      },
    ]);
    expect(parsed.ui[0]).to.deep.equal({
      kind: 'say',
      text: '==> hello-file.greeting: Hello from TypeScript, writing greeting.txt',
    });
    expect(parsed.ui).to.deep.include({
      kind: 'message',
      text: '    hello-file.greeting: generated data says: Hello from TypeScript',
    });
    expect(parsed.ui).to.deep.include({
      kind: 'say',
      text: '\n==> Builds finished. The artifacts of successful builds are:',
    });
    expect(parsed.lines.every((l) => l.timestamp > 1_500_000_000)).to.equal(true);
  });

  it('reads a failed build: error count, the error per build, no artifacts', () => {
    const parsed = parseMachineReadable(captured('hcl-build-error.txt'));
    expect(parsed.errorCount).to.equal(1);
    expect(parsed.errors).to.deep.equal([
      {
        target: 'hello-file.greeting',
        message: "ENOENT: no such file or directory, open '/nonexistent/dir/greeting.txt'",
      },
    ]);
    expect(parsed.artifacts).to.deep.equal([]);
    expect(parsed.ui.filter((u) => u.kind === 'error').map((u) => u.text)[0]).to.match(
      /^Build 'hello-file.greeting' errored after .+: ENOENT: no such file or directory, open/,
    );
  });

  it('reads a partly failed build: the artifact of the one, the error of the other', () => {
    const parsed = parseMachineReadable(captured('hcl-build-partial.txt'));
    expect(parsed.errors.map((e) => e.target)).to.deep.equal(['hello-file.two']);
    expect(parsed.artifacts.map((a) => [a.target, a.id])).to.deep.equal([['hello-file.one', 'one.txt']]);
    expect(parsed.ui[0]!.text).to.equal('==> hello-file.two: Two, too, writing /nonexistent/two.txt');
  });

  it('reads a validation problem with its line breaks', () => {
    const parsed = parseMachineReadable(captured('hcl-validate-error.txt'));
    expect(parsed.ui).to.have.length(1);
    expect(parsed.ui[0]!.kind).to.equal('error');
    expect(parsed.ui[0]!.text).to.contain('\n\n  on bad.pkr.hcl line 3:\n');
    expect(parsed.ui[0]!.text).to.contain(
      'An argument named "outptu" is not expected here. Did you mean "output"?',
    );
  });

  it('reads a JSON-template build (unnamed build target, commas and multi-line provisioner output)', () => {
    const parsed = parseMachineReadable(captured('json-build.txt'));
    expect(parsed.artifacts.map((a) => [a.target, a.id, a.files])).to.deep.equal([
      ['hello-file', 'g2.txt', ['g2.txt']],
    ]);
    expect(parsed.ui.map((u) => u.text)).to.include.members([
      '    hello-file: a,b',
      '    hello-file: line1',
      '==> hello-file: Hey, you, writing g2.txt',
    ]);
  });

  it('keeps other line types, trailing empty fields included', () => {
    const parsed = parseMachineReadable(captured('version.txt'));
    expect(parsed.lines.map((l) => [l.type, l.data])).to.deep.equal([
      ['version', ['1.6.6']],
      ['version-prelease', ['']],
      ['version-commit', ['']],
      ['ui', ['say', 'Packer v1.6.6']],
    ]);
  });

  it('assembles nil artifacts and files whose names hold commas, and keeps lines that are not machine-readable', () => {
    const text = [
      '1700000000,b.x,artifact-count,2',
      '1700000000,b.x,artifact,0,nil',
      '1700000000,b.x,artifact,0,end',
      '1700000000,b.x,artifact,1,files-count,1',
      '1700000000,b.x,artifact,1,file,0,a%!(PACKER_COMMA)b.txt',
      '1700000000,b.x,artifact,1,end',
      'panic: something broke',
      '',
    ].join('\n');
    const parsed = parseMachineReadable(text);
    expect(parsed.artifacts.map((a) => [a.index, a.nil, a.files])).to.deep.equal([
      [0, true, []],
      [1, false, ['a,b.txt']],
    ]);
    expect(parsed.other).to.deep.equal(['panic: something broke']);
  });

  it('decodes any field Packer encodes (text without literal \\n, \\r or the comma marker)', () => {
    const text = fc
      .string({ unit: 'binary' })
      .filter((s) => !/\\[nr]/.test(s) && !s.includes('%!(PACKER_COMMA)'));
    fc.assert(
      fc.property(text, (value) => {
        expect(decodeMachineField(encodeLikePacker(value))).to.equal(value);
      }),
    );
  });

  it('parses any line Packer writes back into target, type and data', () => {
    const field = fc
      .string({ unit: 'binary' })
      .filter((s) => !/\\[nr]/.test(s) && !s.includes('%!(PACKER_COMMA)'));
    const word = fc.stringMatching(/^[a-z][a-z.-]{0,15}$/);
    fc.assert(
      fc.property(
        fc.nat(),
        fc.option(word, { nil: '' }),
        word,
        fc.array(field, { minLength: 1, maxLength: 6 }),
        (ts, target, type, data) => {
          const line = `${ts},${target},${type},${data.map(encodeLikePacker).join(',')}`;
          expect(parseMachineLine(line)).to.deep.equal({ timestamp: ts, target, type, data });
        },
      ),
    );
    expect(parseMachineLine('not,machine')).to.equal(undefined);
  });
});
