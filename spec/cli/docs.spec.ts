import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDocs } from '../../cli/docs.js';
import { main } from '../../cli/main.js';
import { fixture, scratchDir } from './helpers.js';

describe('cli/docs', function () {
  this.timeout(60_000);

  it('writes an index and one page per component, from the schemas the factories declare', async () => {
    const out = scratchDir('docs');
    const files = await writeDocs({ entry: fixture('kit.ts'), out });
    expect(files.map((f) => f.slice(out.length + 1))).to.deep.equal([
      'README.md',
      'builders/kit.md',
      'provisioners/echo.md',
      'post-processors/stamp.md',
      'datasources/info.md',
    ]);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).to.contain(
      '| [echo](provisioners/echo.md) | provisioner | `kit-echo` |',
    );
    expect(readFileSync(join(out, 'builders/kit.md'), 'utf8')).to.contain(
      '| `note` | string | no | `"hi"` | What to say. |',
    );
    const datasource = readFileSync(join(out, 'datasources/info.md'), 'utf8');
    expect(datasource).to.contain('data "kit-info" "example" {');
    expect(datasource).to.contain('| `answer` | number | The answer. |');
  });

  it('runs as the docs command', async () => {
    const out = scratchDir('docs-cli');
    let printed = '';
    const code = await main(['docs', fixture('kit.ts'), '--out', out, '--name', 'renamed'], {
      out: (t) => (printed += t),
      err: () => undefined,
      cwd: out,
    });
    expect(code).to.equal(0);
    expect(printed.split('\n').filter(Boolean)).to.include('builders/renamed.md');
    expect(readFileSync(join(out, 'provisioners/echo.md'), 'utf8')).to.contain(
      '# `renamed-echo` provisioner',
    );
  });
});
