import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../support/plugin-bundle.js';

const DOC = fileURLToPath(new URL('../../docs/observability.md', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The example between the doc's markers, and the output block printed right after it. */
function example(): { code: string; output: string } {
  const doc = readFileSync(DOC, 'utf8');
  const section =
    /<!-- inspect-example:start -->\s*```ts\n([\s\S]*?)```\s*<!-- inspect-example:end -->\s*```\n([\s\S]*?)```/.exec(
      doc,
    );
  if (!section) throw new Error('docs/observability.md lost its inspect example markers');
  return { code: section[1]!, output: section[2]! };
}

describe('docs/observability.md: the live-inspection example', function () {
  this.timeout(60_000);

  it('runs as written and prints what the page shows', async () => {
    const { code, output } = example();
    // The package's own name points at this checkout's sources.
    const file = join(tempDir('inspect-example'), 'inspect-example.mts');
    writeFileSync(
      file,
      code.replace(/from 'packer-plugin-sdk'/g, `from ${JSON.stringify(join(ROOT, 'index.ts'))}`),
    );
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', file], { cwd: ROOT }, (err, out, errOut) =>
        err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out),
      ),
    );
    expect(stdout).to.equal(output);
  });
});
