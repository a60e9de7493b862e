import { expect } from 'chai';
import { CoreDatasourceClient } from '../../../rpc/core/index.js';
import { ctyVal, decodeCtyValueGob, decodeCtyValueMsgpack } from '../../../rpc/cty/index.js';
import { decodeSpecGob, decodeSpecProtobuf } from '../../../rpc/hclspec/index.js';
import { killPlugins, startFixture } from '../../support/loopback.js';

describe('rpc/services/datasource (over a real socket, TS core side)', function () {
  this.timeout(30_000);
  afterEach(() => killPlugins());

  const expected = ctyVal.object({
    greeting: ctyVal.string('hello world'),
    length: ctyVal.number(5),
    tags: ctyVal.list([ctyVal.string('a'), ctyVal.string('b')]),
  });

  it('configures from cty JSON and executes in gob mode (Packer 1.7–1.11)', async () => {
    const ds = await CoreDatasourceClient.connect(
      await startFixture('contract', ['start', 'datasource', 'datasource']),
    );
    expect(Object.keys(decodeSpecGob(await ds.configSpec()))).to.deep.equal(['name']);
    expect(Object.keys(decodeSpecGob(await ds.outputSpec())).sort()).to.deep.equal([
      'greeting',
      'length',
      'tags',
    ]);
    await ds.configure([
      new TextEncoder().encode('{"value":{"name":"world"},"type":["object",{"name":"string"}]}'),
    ]);
    const decoded = decodeCtyValueGob(await ds.execute());
    expect(decoded.value).to.deep.equal(expected);
  });

  it('executes in protobuf mode (Packer ≥ 1.12): cty msgpack with its type', async () => {
    const conn = await startFixture('contract', ['start', 'datasource', '--protobuf', 'datasource'], {
      protobuf: true,
    });
    const ds = await CoreDatasourceClient.connect(conn);
    expect(Object.keys(decodeSpecProtobuf(await ds.outputSpec())).sort()).to.deep.equal([
      'greeting',
      'length',
      'tags',
    ]);
    await ds.configure([
      new TextEncoder().encode('{"value":{"name":"world"},"type":["object",{"name":"string"}]}'),
    ]);
    const decoded = decodeCtyValueMsgpack(await ds.execute());
    expect(decoded.value).to.deep.equal(expected);
  });

  it('fails Configure with the problems at RPC level', async () => {
    const ds = await CoreDatasourceClient.connect(
      await startFixture('contract', ['start', 'datasource', 'datasource']),
    );
    let caught: unknown;
    try {
      await ds.configure([new TextEncoder().encode('{"value":{},"type":["object",{}]}')]);
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).message).to.contain('* name: is required');
  });
});
