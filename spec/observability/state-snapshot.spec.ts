import { expect } from 'chai';
import fc from 'fast-check';
import { stateKey, type StateEntry } from '../../engine/index.js';
import { renderValue, snapshotState } from '../../observability/state-snapshot.js';

const entry = (name: string, value: unknown, sensitive = false): StateEntry => ({
  key: stateKey(name, { sensitive }),
  value,
});

class UiClient {
  say(): void {}
}

describe('observability/state-snapshot', () => {
  it('withholds a sensitive key whole, whatever its value', () => {
    expect(snapshotState([entry('ssh_private_key', '-----BEGIN KEY-----', true)], [])).to.deep.equal([
      { key: 'ssh_private_key', sensitive: true, masked: true, json: '', summary: '<sensitive>' },
    ]);
  });

  it('masks a known secret wherever it appears, raw or JSON-escaped', () => {
    const secret = 'p"w\\d\n';
    const [plain, nested] = snapshotState(
      [entry('url', `https://u:${secret}@h/`), entry('config', { auth: { password: secret }, user: 'u' })],
      [secret],
    );
    expect(plain).to.deep.equal({
      key: 'url',
      sensitive: false,
      masked: true,
      json: '"https://u:<sensitive>@h/"',
      summary: '',
    });
    expect(JSON.parse(nested!.json)).to.deep.equal({ auth: { password: '<sensitive>' }, user: 'u' });
    expect(nested!.masked).to.equal(true);
  });

  it('renders data as JSON text: bigints as strings, maps as objects, sets and arrays as arrays', () => {
    const [big, map, set] = snapshotState(
      [entry('n', 2n ** 64n), entry('m', new Map([['a', 1]])), entry('s', new Set(['x']))],
      [],
    );
    expect(big!.json).to.equal('"18446744073709551616"');
    expect(map!.json).to.equal('{"a":1}');
    expect(set!.json).to.equal('["x"]');
  });

  it('summarises what JSON cannot say: live objects, functions, buffers, cycles', () => {
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    expect(renderValue(new UiClient())).to.deep.equal({ summary: '<UiClient>' });
    expect(renderValue({ say: () => undefined, ask: () => undefined })).to.deep.equal({
      summary: '<object with say, ask>',
    });
    expect(renderValue(function hook() {})).to.deep.equal({ summary: '<function hook>' });
    expect(renderValue(Buffer.from('abc'))).to.deep.equal({ summary: '<Buffer 3 bytes>' });
    expect(renderValue(cycle).summary).to.match(/^<unserialisable object: /);
    expect(renderValue(undefined)).to.deep.equal({ summary: '<undefined>' });
    // Inside data, a live object becomes its summary rather than an empty {}.
    expect(renderValue({ ui: new UiClient(), n: 1 })).to.deep.equal({ json: '{"ui":"<UiClient>","n":1}' });
  });

  it('summarises values too large to send', () => {
    const [big] = snapshotState([entry('blob', 'x'.repeat(100))], [], 50);
    expect(big).to.deep.equal({
      key: 'blob',
      sensitive: false,
      masked: false,
      json: '',
      summary: '<102 characters of JSON>',
    });
  });

  it('never lets a secret through, whatever the value holds (property)', () => {
    // Secrets sharing no character with the mask, so the mask itself cannot spell one.
    const secretArb = fc
      .string({ minLength: 3, maxLength: 12 })
      .filter((s) => ![...s].some((c) => '<sensitive>'.includes(c)));
    fc.assert(
      fc.property(secretArb, fc.jsonValue(), fc.string(), (secret, value, around) => {
        const holding = { value, text: `${around}${secret}${around}`, list: [secret] };
        const [snap] = snapshotState([entry('k', holding)], [secret]);
        const shown = JSON.parse(snap!.json) as unknown;
        expect(JSON.stringify(shown)).not.to.contain(JSON.stringify(secret).slice(1, -1));
        expect(snap!.masked).to.equal(true);
      }),
    );
  });
});
