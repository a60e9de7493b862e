import { expect } from 'chai';
import { createArtifact } from '../../../packer/artifact.js';
import { CorePostProcessorClient } from '../../../rpc/core/index.js';
import { MockUi } from '../../../testing/index.js';
import { killPlugins, startFixture } from '../../support/loopback.js';

const START = ['start', 'post-processor', 'post-processor'];

describe('rpc/services/post-processor (over a real socket, TS core side)', function () {
  this.timeout(30_000);
  afterEach(() => killPlugins());

  it('reads the input artifact core serves and returns a new one with keep semantics', async () => {
    const pp = await CorePostProcessorClient.connect(await startFixture('contract', START));
    await pp.configure([{ suffix: '-done' }]);
    const ui = new MockUi();
    const input = createArtifact({ builderId: 'other.builder', id: 'img-1', files: ['/a', '/b'] });
    const reply = await pp.postProcess(ui, input);
    expect(reply.error).to.equal(undefined);
    expect(reply.keep).to.equal(true);
    expect(reply.forceOverride).to.equal(false);
    expect(await reply.artifact!.id()).to.equal('img-1-done');
    expect(await reply.artifact!.builderId()).to.equal('sdk.contract-pp');
    expect(await reply.artifact!.files()).to.deep.equal(['/a', '/b']);
    expect(ui.lines).to.deep.equal(['post-processing img-1 from other.builder']);
  });

  it('reports a failure in the reply body, not by breaking the connection', async () => {
    const pp = await CorePostProcessorClient.connect(await startFixture('contract', START));
    await pp.configure([{}]);
    const failing = createArtifact({ builderId: 'x', id: 'y' });
    failing.id = () => Promise.reject(new Error('artifact is gone'));
    const reply = await pp.postProcess(new MockUi(), failing);
    expect(reply.error).to.contain('artifact is gone');
    expect(reply.artifact).to.equal(undefined);
    // The connection still works afterwards.
    await pp.configure([{ keep: false }]);
  });
});
