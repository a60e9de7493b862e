import { expect } from 'chai';
import { acceptance, type HookContext, type SuiteLike } from '../../acctest/acceptance.js';
import { isSdkError } from '../../errors/index.js';

/** Records the hooks acceptance() registers, so they can be run by hand. */
class RecordingSuite implements SuiteLike {
  before: ((this: HookContext) => Promise<void>) | undefined;
  after: ((this: HookContext) => Promise<void>) | undefined;
  beforeAll(fn: (this: HookContext) => Promise<void>): void {
    this.before = fn;
  }
  afterAll(fn: (this: HookContext) => Promise<void>): void {
    this.after = fn;
  }
}

describe('acctest/acceptance', () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.PACKER_ACC;
    delete process.env.PACKER_ACC;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.PACKER_ACC;
    else process.env.PACKER_ACC = saved;
  });

  it('registers a before hook that skips the suite, saying why, without PACKER_ACC', async () => {
    const suite = new RecordingSuite();
    const acc = acceptance(suite, { entry: '/nonexistent/main.ts' });
    let skipped = 0;
    const printed: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => printed.push(args.join(' '));
    try {
      await suite.before!.call({ skip: () => void skipped++, timeout: () => undefined });
    } finally {
      console.log = log;
    }
    expect(skipped).to.equal(1);
    expect(printed).to.deep.equal(['      skipped: acceptance tests run only with PACKER_ACC=1']);
    await suite.after!.call({ skip: () => undefined, timeout: () => undefined });
    // Nothing was set up, so nothing can run.
    let error: unknown;
    try {
      await acc.build('build {}');
    } catch (err) {
      error = err;
    }
    expect(isSdkError(error, 'PKR_ERR_ACC_PACKER'), String(error)).to.equal(true);
    expect(() => acc.pluginPath).to.throw(/not set up/);
  });

  it('skips when packer cannot run, even with PACKER_ACC set', async () => {
    process.env.PACKER_ACC = '1';
    const suite = new RecordingSuite();
    acceptance(suite, { entry: '/nonexistent/main.ts', packer: '/nonexistent/packer' });
    let skipped = 0;
    const log = console.log;
    console.log = () => undefined;
    try {
      await suite.before!.call({ skip: () => void skipped++, timeout: () => undefined });
    } finally {
      console.log = log;
    }
    expect(skipped).to.equal(1);
  });
});
