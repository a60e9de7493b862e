import { expect } from 'chai';
import { Type } from '@sinclair/typebox';
import { defineBuilder } from '../../components/index.js';
import { Sensitive } from '../../config/schema.js';
import { createRunner, keys, StateBag, type Step } from '../../engine/index.js';
import { isSdkError } from '../../errors/index.js';
import { BuildFeed } from '../../observability/build-feed.js';
import type { BuildEventMessage } from '../../observability/control-messages.js';
import { ControlObserver } from '../../observability/control-observer.js';
import { MockHook, MockUi } from '../../testing/index.js';

function collect(feed: BuildFeed): { events: BuildEventMessage[]; ended: () => boolean } {
  const events: BuildEventMessage[] = [];
  let ended = false;
  feed.subscribe({ event: (e) => events.push(e), end: () => (ended = true) });
  return { events, ended: () => ended };
}

const ui = (text: string, at = 0): BuildEventMessage => ({ at, event: 'ui', ui: { kind: 'say', text } });

describe('observability/build-feed', () => {
  it('replays the graph first, then the backlog in order, then live events', () => {
    const feed = new BuildFeed();
    feed.publish(ui('one'));
    feed.setGraph({ name: 'b', steps: ['a'], machineJson: '{}', mermaid: '', dot: '' }, 1);
    feed.publish(ui('two'));
    const late = collect(feed);
    feed.publish(ui('three'));
    expect(late.events.map((e) => (e.event === 'ui' ? e.ui.text : e.event))).to.deep.equal([
      'graph',
      'one',
      'two',
      'three',
    ]);
  });

  it('keeps a bounded backlog, dropping the oldest events', () => {
    const feed = new BuildFeed(2);
    for (const t of ['a', 'b', 'c']) feed.publish(ui(t));
    expect(collect(feed).events.map((e) => (e.event === 'ui' ? e.ui.text : ''))).to.deep.equal(['b', 'c']);
  });

  it('ends every subscription, and gives late subscribers the replay then the end', () => {
    const feed = new BuildFeed();
    const early = collect(feed);
    feed.publish(ui('x'));
    feed.end();
    feed.publish(ui('ignored'));
    const late = collect(feed);
    expect(early.ended()).to.equal(true);
    expect(late.ended()).to.equal(true);
    expect(late.events).to.have.length(1);
  });
});

describe('observability/control-observer', () => {
  it('turns engine events into wire events with secrets masked, and ends the feed with the build', async () => {
    let ended = 0;
    const observer = new ControlObserver({
      onBuildEnd: () => {
        ended++;
      },
      now: () => 42,
    });
    const seen = collect(observer.feed);
    const failing: Step = {
      name: 'upload',
      async run() {
        throw new Error('login failed for hunter2');
      },
    };
    const runner = createRunner(observer.wrapSteps([failing]), { name: 'demo' });
    const detach = observer.attach({
      runner,
      state: new StateBag(),
      secrets: ['hunter2'],
      cancel: () => undefined,
    });
    expect(observer.running).to.equal(true);
    await runner.run();
    await detach();
    expect(ended).to.equal(1);
    expect(seen.ended()).to.equal(true);
    expect(observer.running).to.equal(false);
    const [graph, ...rest] = seen.events;
    expect(graph).to.deep.include({ at: 42, event: 'graph' });
    const finished = rest.find((e) => e.event === 'engine' && e.engine.type === 'step.finished');
    expect(finished?.event === 'engine' && finished.engine.error).to.equal('login failed for <sensitive>');
    expect(rest.at(-1)).to.deep.include({ event: 'engine' });
  });

  it('taps Ui lines and reports progress by whole percentages', async () => {
    const observer = new ControlObserver({ now: () => 1 });
    const seen = collect(observer.feed);
    const inner = new MockUi();
    const wrapped = observer.wrapUi(inner);
    await wrapped.say('hello');
    await wrapped.error('oops');
    await wrapped.machine('artifact', '0', 'id');
    const progress = await wrapped.trackProgress('disk.img', 1000);
    for (let i = 0; i < 100; i++) progress.add(5);
    await progress.close();
    expect(inner.lines).to.include('hello');
    const lines = seen.events.flatMap((e) => (e.event === 'ui' ? [`${e.ui.kind}:${e.ui.text}`] : []));
    expect(lines).to.deep.equal(['say:hello', 'error:oops', 'machine:artifact,0,id']);
    const reports = seen.events.flatMap((e) => (e.event === 'progress' ? [e.progress] : []));
    // The start, one per percent reached (50 of them), the end.
    expect(reports).to.have.length(52);
    expect(reports.at(-1)).to.deep.equal({ src: 'disk.img', total: 1000, current: 500, done: true });
  });

  it('answers state and cancel only while a build is attached', async () => {
    const observer = new ControlObserver();
    expect(observer.state()).to.deep.equal({ entries: [], running: false });
    expect(() => observer.cancel('x'))
      .to.throw()
      .that.satisfies((e: unknown) => isSdkError(e, 'PKR_ERR_CONTROL_NO_BUILD'));
    const reasons: string[] = [];
    const state = new StateBag([[keys.debug, true]]);
    const detach = observer.attach({ runner: createRunner([]), state, cancel: (r) => reasons.push(r) });
    observer.cancel('from a test');
    expect(reasons).to.deep.equal(['from a test']);
    expect(observer.state().entries).to.deep.equal([
      { key: 'debug', sensitive: false, masked: false, json: 'true', summary: '' },
    ]);
    await detach();
  });

  it('sees a defineBuilder build after its secrets are masked, as core does', async () => {
    const builder = defineBuilder({
      id: 'test.masked',
      schema: Type.Object({ token: Sensitive(Type.String()) }),
      steps: ({ config }) => [
        {
          name: 'talk',
          async run(state) {
            await state.require(keys.ui).say(`using ${config.token}`);
            return 'continue';
          },
        },
      ],
    })();
    await builder.prepare([{ token: 'tok-123' }]);
    const observer = new ControlObserver();
    const seen = collect(observer.feed);
    const core = new MockUi();
    await builder.run(core, new MockHook(), new AbortController().signal, { observer });
    expect(core.lines).to.deep.equal(['using <sensitive>']);
    const lines = seen.events.flatMap((e) => (e.event === 'ui' ? [e.ui.text] : []));
    expect(lines).to.deep.equal(['using <sensitive>']);
    expect(seen.ended()).to.equal(true);
  });
});
