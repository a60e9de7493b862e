import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { SDK_VERSION } from '../../../rpc/plugin/constants.js';
import { describeComponents, encodeDescription } from '../../../rpc/plugin/describe.js';

describe('rpc/plugin/describe', () => {
  it('prints the JSON the Go SDK prints: field order, sorted lists, [] for none, one newline', () => {
    const text = encodeDescription(
      describeComponents('1.2.3', {
        builders: ['zeta', 'alpha'],
        postProcessors: [],
        provisioners: ['apt'],
        datasources: [],
      }),
    );
    expect(text).to.equal(
      `{"version":"1.2.3","sdk_version":"${SDK_VERSION}","api_version":"x5.0","builders":["alpha","zeta"],"post_processors":[],"provisioners":["apt"],"datasources":[],"protocol_version":"v2"}\n`,
    );
  });

  it("escapes HTML-significant characters like Go's json.Encoder", () => {
    const text = encodeDescription(
      describeComponents('1.0.0-dev', {
        builders: ['a<b>&c'],
        postProcessors: [],
        provisioners: [],
        datasources: [],
      }),
    );
    expect(text).to.contain('"builders":["a\\u003cb\\u003e\\u0026c"]');
  });

  it('reports the SDK version of package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(SDK_VERSION).to.equal(pkg.version);
  });
});
