import { expect } from 'chai';
import type { BuildEventMessage, EngineEventMessage } from '../../observability/control-messages.js';
import {
  initialWatchModel,
  reduceWatch,
  renderWatch,
  type WatchModel,
} from '../../observability/watch-view.js';

const engine = (type: string, path: string, extra: Partial<EngineEventMessage> = {}): BuildEventMessage => ({
  at: 0,
  event: 'engine',
  engine: {
    type,
    path: path === '' ? [] : path.split('/'),
    result: '',
    durationMs: 0,
    reason: '',
    error: '',
    status: '',
    noteName: '',
    noteJson: '',
    steps: 0,
    ...extra,
  },
});

const graph: BuildEventMessage = {
  at: 0,
  event: 'graph',
  graph: {
    name: 'demo',
    steps: ['prepare', 'chroot', 'chroot/mount', 'chroot/provision', 'export'],
    machineJson: '{}',
    mermaid: '',
    dot: '',
  },
};

function fold(events: BuildEventMessage[]): WatchModel {
  return events.reduce(reduceWatch, initialWatchModel());
}

const plain = { width: 60, height: 20, color: false, footer: 'keys' };

describe('observability/watch-view', () => {
  it('waits for the graph before showing steps', () => {
    expect(renderWatch(initialWatchModel(), plain).split('\n')[0]).to.equal(
      'build: waiting for the build to start',
    );
  });

  it('shows each step with its status, nested ones indented, the current one marked', () => {
    const model = fold([
      graph,
      engine('run.started', '', { steps: 3 }),
      engine('step.started', 'prepare'),
      engine('step.finished', 'prepare', { result: 'continue' }),
      engine('step.started', 'chroot'),
      engine('step.started', 'chroot/mount'),
      engine('step.finished', 'chroot/mount', { result: 'continue' }),
      engine('step.started', 'chroot/provision'),
      { at: 0, event: 'ui', ui: { kind: 'say', text: 'Provisioning with shell' } },
      { at: 0, event: 'ui', ui: { kind: 'message', text: 'line 1\nline 2' } },
    ]);
    expect(renderWatch(model, plain)).to.equal(
      [
        'demo: running chroot/provision',
        '  ✓ prepare',
        '  ▶ chroot',
        '    ✓ mount',
        '>   ▶ provision',
        '  · export',
        '─'.repeat(60),
        '==> Provisioning with shell',
        '    line 1',
        '    line 2',
        '─'.repeat(60),
        'keys',
      ].join('\n'),
    );
  });

  it('shows breakpoints, the pause and its reason, and a failure with cleanup progress', () => {
    const model = fold([
      graph,
      {
        at: 0,
        event: 'control',
        control: {
          breakpoints: { steps: ['provision', 'export'], onError: true, onStart: false },
          paused: false,
          pausedAt: [],
          pausedReason: '',
        },
      },
      engine('step.started', 'prepare'),
      engine('step.finished', 'prepare', { result: 'continue' }),
      engine('step.started', 'chroot'),
      engine('step.started', 'chroot/mount'),
      engine('step.finished', 'chroot/mount', { result: 'failed', error: 'mount: permission denied' }),
      engine('paused', 'chroot/mount', { reason: 'error' }),
    ]);
    const text = renderWatch(model, plain);
    expect(text).to.contain('demo: paused at chroot/mount (error)');
    expect(text).to.contain('>   ⏸ mount  (paused: error)');
    expect(text).to.contain('●   · provision');
    expect(text).to.contain('● · export');
    expect(text).to.contain('  error: chroot/mount: mount: permission denied');
    const after = fold([
      ...[graph],
      engine('step.started', 'prepare'),
      engine('step.finished', 'prepare', { result: 'failed' }),
      engine('step.skipped', 'chroot', { reason: 'the run failed' }),
      engine('cleanup.started', 'prepare'),
      engine('cleanup.finished', 'prepare'),
      engine('run.finished', '', { status: 'failed' }),
    ]);
    const done = renderWatch(after, plain);
    expect(done.split('\n')[0]).to.equal('demo: finished (failed)');
    expect(done).to.contain('  ✗ prepare  [cleanup done]');
    expect(done).to.contain('  - chroot');
  });

  it('fits the screen: lines cut to the width, the oldest Ui lines dropped first', () => {
    const ui = Array.from({ length: 50 }, (_, i): BuildEventMessage => ({
      at: 0,
      event: 'ui',
      ui: { kind: 'message', text: `output line ${i} ${'x'.repeat(100)}` },
    }));
    const text = renderWatch(fold([graph, ...ui]), { width: 30, height: 15, color: false });
    const lines = text.split('\n');
    expect(lines).to.have.length(15);
    expect(lines.every((l) => [...l].length <= 30)).to.equal(true);
    expect(text).to.contain('output line 49');
    expect(text).not.to.contain('output line 40 ');
  });

  it('highlights the current step in inverse video when colour is on', () => {
    const model = fold([graph, engine('step.started', 'prepare')]);
    const text = renderWatch(model, { ...plain, color: true });
    expect(text).to.contain('\x1b[7m  ▶ prepare\x1b[0m');
  });

  it('shows a running progress bar and forgets it when done', () => {
    const running = fold([
      graph,
      { at: 0, event: 'progress', progress: { src: 'disk.img', total: 200, current: 50, done: false } },
    ]);
    expect(renderWatch(running, plain)).to.contain('  disk.img: 25% (50/200)');
    const done = reduceWatch(running, {
      at: 0,
      event: 'progress',
      progress: { src: 'disk.img', total: 200, current: 200, done: true },
    });
    expect(renderWatch(done, plain)).not.to.contain('disk.img');
  });
});
