import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeError, errorCodes, isSdkError, SdkError } from '../../errors/index.js';
import { renderErrorsDoc } from '../../scripts/generate-errors-doc.js';

describe('errors/registry', () => {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/errors.md', import.meta.url)), 'utf8');

  it('documents every code in docs/errors.md and no other', () => {
    const documented = [...doc.matchAll(/`(PKR_ERR_[A-Z0-9_]+)`/g)].map((m) => m[1]);
    expect(new Set(documented)).to.deep.equal(new Set(Object.keys(errorCodes)));
  });

  it('keeps docs/errors.md in step with the registry', () => {
    expect(doc).to.equal(renderErrorsDoc());
  });

  it('gives every code a summary and an actionable hint', () => {
    for (const [code, entry] of Object.entries(errorCodes)) {
      expect(code).to.match(/^PKR_ERR_[A-Z0-9_]+$/);
      expect(entry.summary, code).to.match(/\.$/);
      expect(entry.hint.length, code).to.be.greaterThan(20);
    }
  });

  it('keeps the cause chain and flattens it only on request', () => {
    const root = new Error('connection refused');
    const err = new SdkError('PKR_ERR_RETRY_EXHAUSTED', 'step "connect" failed 3 times', { cause: root });
    expect(err.cause).to.equal(root);
    expect(isSdkError(err, 'PKR_ERR_RETRY_EXHAUSTED')).to.equal(true);
    expect(isSdkError(root)).to.equal(false);
    expect(err.hint).to.equal(errorCodes.PKR_ERR_RETRY_EXHAUSTED.hint);
    expect(describeError(err)).to.equal(
      '[PKR_ERR_RETRY_EXHAUSTED] step "connect" failed 3 times: connection refused',
    );
  });
});
