import { expect } from 'chai';
import { Type } from '@sinclair/typebox';
import { defineBuilder } from '../../components/index.js';
import { isSdkError } from '../../errors/index.js';
import { MockHook, MockUi } from '../../testing/index.js';

describe('components/define-builder stepsFor', () => {
  const said: string[] = [];
  const builder = defineBuilder({
    id: 'test.listing',
    schema: Type.Object(
      { extra: Type.Boolean({ default: false }), count: Type.Integer({ minimum: 1, default: 1 }) },
      { additionalProperties: false },
    ),
    steps: ({ config, ui }) => {
      void ui.say('factories may talk; nothing goes anywhere');
      const step = (name: string) => ({
        name,
        async run() {
          said.push(name);
          return 'continue' as const;
        },
      });
      return [step('first'), ...(config.extra ? [step('extra')] : [])];
    },
  });

  it('lists the steps a config would run, named like the build, without running them', async () => {
    const plain = await builder().stepsFor([{}]);
    expect(plain.name).to.equal('test.listing');
    expect(plain.steps.map((s) => s.name)).to.deep.equal(['first']);
    const extra = await builder().stepsFor([{ extra: true, packer_build_name: 'nightly' }]);
    expect(extra.name).to.equal('nightly');
    expect(extra.steps.map((s) => s.name)).to.deep.equal(['first', 'extra']);
    expect(said).to.deep.equal([]);
  });

  it('validates the config as Prepare does, with the same error', async () => {
    const err = await builder()
      .stepsFor([{ count: 0, bogus: true }])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isSdkError(err, 'PKR_ERR_CONFIG_INVALID')).to.equal(true);
    expect(String(err)).to.contain('count').and.to.contain('bogus');
  });

  it('leaves the builder unprepared: Run still needs Prepare', async () => {
    const b = builder();
    await b.stepsFor([{}]);
    const err = await b.run(new MockUi(), new MockHook(), new AbortController().signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isSdkError(err, 'PKR_ERR_CONFIG_INVALID')).to.equal(true);
  });
});
