import { Type } from '@sinclair/typebox';
import { expect } from 'chai';
import { defineBuilder, packerCommonKey } from '../../components/index.js';
import { Sensitive } from '../../config/schema.js';
import { keys, stateKey, type Step } from '../../engine/index.js';
import { isSdkError } from '../../errors/index.js';
import { MockHook, MockUi } from '../../testing/index.js';

const schema = Type.Object(
  {
    image_name: Type.String(),
    disk_size: Type.Integer({ default: 10, minimum: 1 }),
    password: Type.Optional(Sensitive(Type.String())),
    fail_at: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const made = stateKey<string>('made');

function recordingBuilder(log: string[]) {
  const step = (name: string): Step => ({
    name,
    async run(state) {
      log.push(`run:${name}`);
      state.require(packerCommonKey);
      if (name === 'fail') throw new Error('disk full');
      if (name === 'make') {
        state.put(made, 'img-1');
        state.put(keys.generatedData, { ImageName: 'img-1', Size: 10 });
        await state.require(keys.ui).say('made img-1 with password hunter2');
      }
      return 'continue';
    },
    async cleanup() {
      log.push(`cleanup:${name}`);
    },
  });
  return defineBuilder({
    id: 'acme.test',
    schema,
    generatedData: ['ImageName', 'Size'],
    validate: (config) =>
      config.image_name.includes(' ') ? [{ path: 'image_name', message: 'must not contain spaces' }] : [],
    steps: ({ config }) =>
      config.fail_at ? [step('make'), step('fail'), step('never')] : [step('make'), step('tag')],
    artifact: (state, { config }) => ({
      builderId: 'acme.test',
      id: state.require(made),
      files: [`/out/${config.image_name}`],
      string: 'an image',
    }),
  });
}

describe('components/define-builder', () => {
  it('prepares: generated vars, defaults, every problem at once', async () => {
    const builder = recordingBuilder([])();
    expect(await builder.prepare([{ image_name: 'x' }])).to.deep.equal({
      generatedVars: ['ImageName', 'Size'],
      warnings: [],
    });
    let caught: unknown;
    try {
      await builder.prepare([{ disk_size: 0, image_nam: 'x' }]);
    } catch (err) {
      caught = err;
    }
    expect(isSdkError(caught, 'PKR_ERR_CONFIG_INVALID')).to.equal(true);
    expect((caught as Error).message).to.equal(
      '3 errors occurred:\n* disk_size: must be >= 1, got number 0\n* image_nam: unknown field (did you mean "image_name"?)\n* image_name: is required',
    );
  });

  it('runs the component’s own checks only once the schema passes', async () => {
    const builder = recordingBuilder([])();
    let caught: unknown;
    try {
      await builder.prepare([{ image_name: 'a b' }]);
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).message).to.equal('1 error occurred:\n* image_name: must not contain spaces');
  });

  it('runs the steps, returns the artifact with generated data, masks secrets', async () => {
    const log: string[] = [];
    const builder = recordingBuilder(log)();
    await builder.prepare([{ image_name: 'web', password: 'hunter2' }, { packer_build_name: 'b1' }]);
    const ui = new MockUi();
    const artifact = await builder.run(ui, new MockHook(), new AbortController().signal);
    expect(log).to.deep.equal(['run:make', 'run:tag', 'cleanup:tag', 'cleanup:make']);
    expect(await artifact!.id()).to.equal('img-1');
    expect(await artifact!.files()).to.deep.equal(['/out/web']);
    expect(await artifact!.state('generated_data')).to.deep.equal({ ImageName: 'img-1', Size: 10 });
    expect(ui.lines).to.deep.equal(['made img-1 with password <sensitive>']);
  });

  it('fails Run with the step’s error after cleaning up', async () => {
    const log: string[] = [];
    const builder = recordingBuilder(log)();
    await builder.prepare([{ image_name: 'web', fail_at: 'fail' }]);
    let caught: unknown;
    try {
      await builder.run(new MockUi(), new MockHook(), new AbortController().signal);
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).message).to.equal('disk full');
    expect(log).to.deep.equal(['run:make', 'run:fail', 'cleanup:fail', 'cleanup:make']);
  });

  it('honours -on-error=abort: no cleanup', async () => {
    const log: string[] = [];
    const builder = recordingBuilder(log)();
    await builder.prepare([{ image_name: 'web', fail_at: 'fail' }, { packer_on_error: 'abort' }]);
    try {
      await builder.run(new MockUi(), new MockHook(), new AbortController().signal);
    } catch {
      // expected
    }
    expect(log).to.deep.equal(['run:make', 'run:fail']);
  });

  it('honours -on-error=ask: retry then clean up', async () => {
    const log: string[] = [];
    const builder = recordingBuilder(log)();
    await builder.prepare([{ image_name: 'web', fail_at: 'fail' }, { packer_on_error: 'ask' }]);
    const ui = new MockUi(['r', 'x', 'c']);
    try {
      await builder.run(ui, new MockHook(), new AbortController().signal);
    } catch {
      // expected
    }
    expect(log).to.deep.equal(['run:make', 'run:fail', 'run:fail', 'cleanup:fail', 'cleanup:make']);
    expect(ui.records.filter((r) => r.kind === 'say').map((r) => (r as { text: string }).text)).to.include(
      'Incorrect input: "x"',
    );
  });

  it('honours -on-error=run-cleanup-provisioner: the cleanup hook runs with the communicator', async () => {
    const log: string[] = [];
    const hook = new MockHook();
    const builder = recordingBuilder(log)();
    await builder.prepare([
      { image_name: 'web', fail_at: 'fail' },
      { packer_on_error: 'run-cleanup-provisioner' },
    ]);
    try {
      await builder.run(new MockUi(), hook, new AbortController().signal);
    } catch {
      // expected
    }
    expect(hook.calls.map((c) => c.name)).to.deep.equal(['packer_cleanup_provision']);
    expect(hook.calls[0]!.data).to.deep.equal({ ImageName: 'img-1', Size: 10 });
  });

  it('honours -debug: asks before each step', async () => {
    const log: string[] = [];
    const builder = recordingBuilder(log)();
    await builder.prepare([{ image_name: 'web' }, { packer_debug: true }]);
    const ui = new MockUi(() => '');
    await builder.run(ui, new MockHook(), new AbortController().signal);
    expect(ui.records.filter((r) => r.kind === 'ask').map((r) => (r as { text: string }).text)).to.deep.equal(
      [
        'Pausing before the next step: make. Press enter to continue.',
        'Pausing before the next step: tag. Press enter to continue.',
      ],
    );
  });

  it('reports cancellation the way the Go SDK does', async () => {
    const controller = new AbortController();
    controller.abort();
    const builder = recordingBuilder([])();
    await builder.prepare([{ image_name: 'web' }]);
    let caught: unknown;
    try {
      await builder.run(new MockUi(), new MockHook(), controller.signal);
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).message).to.equal('Build was cancelled.');
  });

  it('refuses Run before Prepare', async () => {
    let caught: unknown;
    try {
      await recordingBuilder([])().run(new MockUi(), new MockHook(), new AbortController().signal);
    } catch (err) {
      caught = err;
    }
    expect(isSdkError(caught, 'PKR_ERR_CONFIG_INVALID')).to.equal(true);
  });
});
