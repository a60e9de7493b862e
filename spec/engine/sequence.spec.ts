import { expect } from 'chai';
import { createRunner, scope, sequence, type EngineEvent } from '../../engine/index.js';
import { isSdkError } from '../../errors/index.js';
import { createRecordingStep } from '../../testing/index.js';

describe('engine/sequence', () => {
  it('cleans a nested sequence up as a unit, in its place in the parent order', async () => {
    const log: string[] = [];
    const runner = createRunner([
      createRecordingStep('a', log),
      sequence('provision', [createRecordingStep('x', log), createRecordingStep('y', log)]),
      createRecordingStep('b', log, { throws: new Error('late failure') }),
    ]);
    const outcome = await runner.run();
    expect(outcome.status).to.equal('failed');
    expect(log).to.deep.equal([
      'run:a',
      'run:x',
      'run:y',
      'run:b',
      'cleanup:b',
      'cleanup:y',
      'cleanup:x',
      'cleanup:a',
    ]);
    expect(outcome.steps.map((s) => `${s.path.join('/')}=${s.result}`)).to.deep.equal([
      'a=continue',
      'provision=continue',
      'provision/x=continue',
      'provision/y=continue',
      'b=failed',
    ]);
  });

  it('reports the innermost failing step and its own error, and skips the rest at every level', async () => {
    const log: string[] = [];
    const boom = new Error('inner');
    const runner = createRunner([
      createRecordingStep('a', log),
      sequence('outer', [
        createRecordingStep('x', log),
        sequence('inner', [createRecordingStep('p', log, { throws: boom }), createRecordingStep('q', log)]),
        createRecordingStep('y', log),
      ]),
      createRecordingStep('b', log),
    ]);
    const outcome = await runner.run();
    expect(outcome.status).to.equal('failed');
    expect(outcome.error).to.equal(boom);
    expect(outcome.failedStep).to.deep.equal(['outer', 'inner', 'p']);
    expect(log).to.deep.equal(['run:a', 'run:x', 'run:p', 'cleanup:p', 'cleanup:x', 'cleanup:a']);
    const skipped = outcome.steps.filter((s) => s.result === 'skipped').map((s) => s.path.join('/'));
    expect(skipped).to.deep.equal(['outer/inner/q', 'outer/y', 'b']);
  });

  it('propagates a halt from inside a sequence', async () => {
    const log: string[] = [];
    const runner = createRunner([
      sequence('s', [createRecordingStep('x', log, { result: 'halt' }), createRecordingStep('y', log)]),
      createRecordingStep('b', log),
    ]);
    const outcome = await runner.run();
    expect(outcome.status).to.equal('halted');
    expect(log).to.deep.equal(['run:x', 'cleanup:x']);
  });

  it('records cleanup failures of children under their own paths', async () => {
    const err = new Error('umount failed');
    const runner = createRunner([
      sequence('mounts', [
        createRecordingStep('proc', [], { cleanupThrows: err }),
        createRecordingStep('sys', []),
      ]),
    ]);
    const outcome = await runner.run();
    expect(outcome.cleanupErrors).to.deep.equal([{ path: ['mounts', 'proc'], error: err }]);
  });

  it('emits child events with nested paths', async () => {
    const runner = createRunner([sequence('s', [createRecordingStep('x', [])])]);
    const events: EngineEvent[] = [];
    runner.events$.subscribe((e) => events.push(e));
    await runner.run();
    expect(events.filter((e) => e.type === 'step.started').map((e) => e.path.join('/'))).to.deep.equal([
      's',
      's/x',
    ]);
    expect(events.filter((e) => e.type === 'cleanup.started').map((e) => e.path.join('/'))).to.deep.equal([
      's',
      's/x',
    ]);
  });

  it('validates its children like a runner does', () => {
    let caught: unknown;
    try {
      sequence('s', [createRecordingStep('x', []), createRecordingStep('x', [])]);
    } catch (err) {
      caught = err;
    }
    expect(isSdkError(caught, 'PKR_ERR_STEP_DUPLICATE')).to.equal(true);
    expect((caught as Error).message).to.contain('sequence "s"');
  });

  it('is cancelled from inside without starting later siblings', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const runner = createRunner([
      sequence('s', [
        createRecordingStep('x', log, { run: () => controller.abort() }),
        createRecordingStep('y', log),
      ]),
      createRecordingStep('b', log),
    ]);
    const outcome = await runner.run(undefined, { signal: controller.signal });
    expect(outcome.status).to.equal('cancelled');
    expect(log).to.deep.equal(['run:x', 'cleanup:x']);
  });
});

describe('engine/scope', () => {
  it('cleans its children up as soon as they have run, before later steps', async () => {
    const log: string[] = [];
    const runner = createRunner([
      createRecordingStep('workdir', log),
      scope('chroot', [
        createRecordingStep('mount-proc', log),
        createRecordingStep('mount-sys', log),
        createRecordingStep('provision', log),
      ]),
      createRecordingStep('export', log),
    ]);
    const outcome = await runner.run();
    expect(outcome.status).to.equal('done');
    expect(log).to.deep.equal([
      'run:workdir',
      'run:mount-proc',
      'run:mount-sys',
      'run:provision',
      'cleanup:provision',
      'cleanup:mount-sys',
      'cleanup:mount-proc',
      'run:export',
      'cleanup:export',
      'cleanup:workdir',
    ]);
  });

  it('cleans up what started when a child fails or the build is cancelled inside it', async () => {
    for (const how of ['fail', 'cancel'] as const) {
      const log: string[] = [];
      const controller = new AbortController();
      const runner = createRunner([
        createRecordingStep('workdir', log),
        scope('chroot', [
          createRecordingStep('mount-proc', log),
          createRecordingStep(
            'provision',
            log,
            how === 'fail' ? { throws: new Error('apt failed') } : { run: () => controller.abort() },
          ),
          createRecordingStep('never', log),
        ]),
        createRecordingStep('export', log),
      ]);
      const outcome = await runner.run(undefined, { signal: controller.signal });
      expect(outcome.status).to.equal(how === 'fail' ? 'failed' : 'cancelled');
      if (how === 'fail') expect(outcome.failedStep).to.deep.equal(['chroot', 'provision']);
      expect(log, how).to.deep.equal([
        'run:workdir',
        'run:mount-proc',
        'run:provision',
        'cleanup:provision',
        'cleanup:mount-proc',
        'cleanup:workdir',
      ]);
    }
  });

  it('shows its children in graph exports', () => {
    expect(
      JSON.stringify(createRunner([scope('s', [createRecordingStep('x', [])])]).machineConfig()),
    ).to.contain('"x"');
  });
});
