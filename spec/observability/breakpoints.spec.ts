import { expect } from 'chai';
import { createRunner, scope, sequence, type EngineEvent, type Step } from '../../engine/index.js';
import { isSdkError } from '../../errors/index.js';
import { createRecordingStep } from '../../testing/index.js';
import {
  BreakpointController,
  checkBreakpoints,
  formatBreakpointList,
  parseBreakpointList,
  type PauseInfo,
} from '../../observability/breakpoints.js';

/** Resolves at the controller's next pause. */
function nextPause(controller: BreakpointController): Promise<PauseInfo> {
  return new Promise((resolve) => {
    const off = controller.onChange((s) => {
      if (s.paused) {
        off();
        resolve(s.paused);
      }
    });
  });
}

function where(p: PauseInfo): string {
  return `${p.path.join('/')} (${p.reason})`;
}

describe('observability/breakpoints', () => {
  describe('parseBreakpointList', () => {
    const cases: [string, string[], boolean, boolean][] = [
      ['', [], false, false],
      ['provision', ['provision'], false, false],
      ['a, b  chroot/provision', ['a', 'b', 'chroot/provision'], false, false],
      ['#start,#error', [], true, true],
      ['x,x', ['x'], false, false],
    ];
    for (const [text, steps, onError, onStart] of cases) {
      it(`reads ${JSON.stringify(text)}`, () => {
        expect(parseBreakpointList(text)).to.deep.equal({ steps, onError, onStart });
      });
    }
    it('writes the same syntax back', () => {
      expect(formatBreakpointList(parseBreakpointList('#error a b/c #start'))).to.equal(
        '#start,a,b/c,#error',
      );
    });
    for (const bad of ['a.b', '#nope', 'a//b', '/a', 'a/']) {
      it(`refuses ${JSON.stringify(bad)} with PKR_ERR_CONTROL_BREAKPOINT`, () => {
        expect(() => parseBreakpointList(bad))
          .to.throw()
          .that.satisfies((e: unknown) => isSdkError(e, 'PKR_ERR_CONTROL_BREAKPOINT'));
        expect(() => checkBreakpoints({ steps: [bad], onError: false, onStart: false })).to.throw();
      });
    }
  });

  it('pauses before a named step until resumed, announcing it as engine events', async () => {
    const log: string[] = [];
    const controller = new BreakpointController(parseBreakpointList('b'));
    const runner = createRunner(
      controller.wrapSteps(['a', 'b', 'c'].map((n) => createRecordingStep(n, log))),
    );
    const events: EngineEvent[] = [];
    runner.events$.subscribe((e) => events.push(e));
    const paused = nextPause(controller);
    const outcome = runner.run();
    expect(where(await paused)).to.equal('b (breakpoint)');
    expect(log).to.deep.equal(['run:a']);
    expect(controller.resume().path).to.deep.equal(['b']);
    expect((await outcome).status).to.equal('done');
    expect(log).to.deep.equal(['run:a', 'run:b', 'run:c', 'cleanup:c', 'cleanup:b', 'cleanup:a']);
    const marks = events.filter((e) => e.type === 'paused' || e.type === 'resumed');
    expect(marks.map((e) => [e.type, e.path.join('/')])).to.deep.equal([
      ['paused', 'b'],
      ['resumed', 'b'],
    ]);
  });

  it('reaches steps inside sequences and scopes, by name at any depth or by exact path', async () => {
    const log: string[] = [];
    const step = (n: string): Step => createRecordingStep(n, log);
    const steps = [step('a'), sequence('outer', [step('x'), scope('inner', [step('x'), step('y')])])];
    const controller = new BreakpointController(parseBreakpointList('outer/inner/x, y'));
    const runner = createRunner(controller.wrapSteps(steps));
    const seen: string[] = [];
    let pause = nextPause(controller);
    const outcome = runner.run();
    for (let i = 0; i < 2; i++) {
      seen.push(where(await pause));
      pause = nextPause(controller);
      controller.resume();
    }
    expect((await outcome).status).to.equal('done');
    expect(seen).to.deep.equal(['outer/inner/x (breakpoint)', 'outer/inner/y (breakpoint)']);
    // The wrapped composites still clean up as they should: the scope at once, the sequence at the end.
    expect(log).to.deep.equal([
      'run:a',
      'run:x',
      'run:x',
      'run:y',
      'cleanup:y',
      'cleanup:x',
      'cleanup:x',
      'cleanup:a',
    ]);
  });

  it('pauses before the first step with onStart, and only there', async () => {
    const log: string[] = [];
    const controller = new BreakpointController(parseBreakpointList('#start'));
    const first = nextPause(controller);
    const outcome = createRunner(
      controller.wrapSteps([createRecordingStep('a', log), createRecordingStep('b', log)]),
    ).run();
    expect(where(await first)).to.equal('a (start)');
    expect(log).to.deep.equal([]);
    controller.resume();
    expect((await outcome).status).to.equal('done');
  });

  it('steps over: the next step at the same depth or shallower, never into a sequence', async () => {
    const log: string[] = [];
    const step = (n: string): Step => createRecordingStep(n, log);
    const steps = [step('a'), sequence('seq', [step('s1'), step('s2')]), step('c')];
    const controller = new BreakpointController(parseBreakpointList('a'));
    const first = nextPause(controller);
    const outcome = createRunner(controller.wrapSteps(steps)).run();
    const seen = [where(await first)];
    let pause = nextPause(controller);
    controller.stepOver();
    seen.push(where(await pause));
    pause = nextPause(controller);
    controller.stepOver();
    seen.push(where(await pause));
    expect(log).to.deep.equal(['run:a', 'run:s1', 'run:s2']);
    controller.resume();
    expect((await outcome).status).to.equal('done');
    expect(seen).to.deep.equal(['a (breakpoint)', 'seq (step)', 'c (step)']);
  });

  it('steps over from inside a sequence to its next child, then out of it', async () => {
    const log: string[] = [];
    const step = (n: string): Step => createRecordingStep(n, log);
    const controller = new BreakpointController(parseBreakpointList('s1'));
    const first = nextPause(controller);
    const outcome = createRunner(
      controller.wrapSteps([sequence('seq', [step('s1'), step('s2')]), step('c')]),
    ).run();
    const seen = [where(await first)];
    for (let i = 0; i < 2; i++) {
      const pause = nextPause(controller);
      controller.stepOver();
      seen.push(where(await pause));
    }
    controller.resume();
    expect((await outcome).status).to.equal('done');
    expect(seen).to.deep.equal(['seq/s1 (breakpoint)', 'seq/s2 (step)', 'c (step)']);
  });

  it('pauses after a failure with onError, before any cleanup; the failure stands', async () => {
    const log: string[] = [];
    const boom = new Error('boom');
    const controller = new BreakpointController(parseBreakpointList('#error'));
    const runner = createRunner(
      controller.wrapSteps([
        createRecordingStep('a', log),
        sequence('seq', [createRecordingStep('b', log, { throws: boom })]),
      ]),
    );
    const pause = nextPause(controller);
    const outcome = runner.run();
    expect(where(await pause)).to.equal('seq/b (error)');
    expect(log).to.deep.equal(['run:a', 'run:b']);
    controller.resume();
    const result = await outcome;
    expect(result.status).to.equal('failed');
    expect(result.error).to.equal(boom);
    expect(result.failedStep).to.deep.equal(['seq', 'b']);
    // Paused once only: the sequence did not pause again for its child's failure.
    expect(log).to.deep.equal(['run:a', 'run:b', 'cleanup:b', 'cleanup:a']);
  });

  it("ends a pause when the build's signal aborts: cancelled, and the paused step gets no cleanup", async () => {
    const log: string[] = [];
    const controller = new BreakpointController(parseBreakpointList('b'));
    const abort = new AbortController();
    const pause = nextPause(controller);
    const outcome = createRunner(
      controller.wrapSteps([createRecordingStep('a', log), createRecordingStep('b', log)]),
    ).run(undefined, { signal: abort.signal });
    await pause;
    abort.abort(new Error('Packer sent Cancel'));
    const result = await outcome;
    expect(result.status).to.equal('cancelled');
    expect(log).to.deep.equal(['run:a', 'cleanup:a']);
    expect(controller.paused).to.equal(undefined);
  });

  it('refuses resume and step over when not paused', () => {
    const controller = new BreakpointController();
    expect(() => controller.resume())
      .to.throw()
      .that.satisfies((e: unknown) => isSdkError(e, 'PKR_ERR_CONTROL_NOT_PAUSED'));
    expect(() => controller.stepOver())
      .to.throw()
      .that.satisfies((e: unknown) => isSdkError(e, 'PKR_ERR_CONTROL_NOT_PAUSED'));
  });

  it('applies breakpoints set while the build runs', async () => {
    const log: string[] = [];
    const controller = new BreakpointController(parseBreakpointList('a'));
    const first = nextPause(controller);
    const outcome = createRunner(
      controller.wrapSteps(['a', 'b', 'c'].map((n) => createRecordingStep(n, log))),
    ).run();
    await first;
    const changes: string[] = [];
    controller.onChange((s) => changes.push(formatBreakpointList(s.breakpoints)));
    controller.set(parseBreakpointList('c'));
    const pause = nextPause(controller);
    controller.resume();
    expect(where(await pause)).to.equal('c (breakpoint)');
    controller.resume();
    expect((await outcome).status).to.equal('done');
    expect(changes[0]).to.equal('c');
  });
});
