import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { isSdkError } from '../../../errors/index.js';
import type { CtyValue } from '../../../rpc/cty/index.js';
import {
  cty,
  ctyTypeEquals,
  ctyVal,
  ctyValueEquals,
  formatCtyJson,
  formatCtyType,
  mentionsUnknown,
  parseCtyJson,
  parseCtyType,
} from '../../../rpc/cty/index.js';
import { arbCtyType, arbTypedValue } from './arbitraries.js';
import { FIXTURES } from '../../support/traces.js';

const TRACES = new URL('packer-1.6.6-traces/hcl2-template/', FIXTURES);

/** Every cty JSON document core sent in a trace: the bin payloads starting with {"value". */
function traceDocuments(file: string): Buffer[] {
  const bytes = Buffer.concat(
    readFileSync(new URL(file, TRACES), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { dir: string; hex: string })
      .filter((l) => l.dir === 'core->plugin')
      .map((l) => Buffer.from(l.hex, 'hex')),
  );
  const docs: Buffer[] = [];
  for (let at = bytes.indexOf('{"value"'); at >= 0; at = bytes.indexOf('{"value"', at + 1)) {
    // The document is the payload of a msgpack bin8/16/32 whose header ends right before it.
    const header = bytes[at - 3] === 0xc5 ? 3 : bytes[at - 2] === 0xc4 ? 2 : bytes[at - 5] === 0xc6 ? 5 : 0;
    expect(header, 'cty JSON must arrive as a msgpack bin').to.be.greaterThan(0);
    const length =
      header === 2 ? bytes[at - 1]! : header === 3 ? bytes.readUInt16BE(at - 2) : bytes.readUInt32BE(at - 4);
    docs.push(bytes.subarray(at, at + length));
  }
  return docs;
}

describe('rpc/cty JSON', () => {
  it('parses the builder config Packer 1.6.6 sent in HCL2 Prepare (trace), nulls included', () => {
    const [doc] = traceDocuments('packer-builder-tapnull.jsonl');
    const { type, value } = parseCtyJson(doc!);
    expect(type.kind).to.equal('object');
    const attrs = (value as { attributes: Record<string, CtyValue> }).attributes;
    expect(attrs.ssh_port).to.deep.equal(ctyVal.number(2222));
    expect(attrs.communicator).to.deep.equal(ctyVal.string('ssh'));
    expect(attrs.ssh_password).to.deep.equal(ctyVal.null);
    expect(Object.keys(attrs)).to.have.length(57);
    // and writes the same bytes back, as go-cty's json.Marshal did
    expect(formatCtyJson(value, type)).to.equal(doc!.toString('utf8'));
  });

  it('parses both provisioner Prepare documents; the first carries 1.6.6 "<unknown>" text', () => {
    const docs = traceDocuments('packer-provisioner-tapshell.jsonl');
    expect(docs).to.have.length(2);
    const [first, second] = docs.map((d) => parseCtyJson(d));
    expect(mentionsUnknown(first!.value)).to.equal(true);
    expect(mentionsUnknown(second!.value)).to.equal(false);
    const inline = (second!.value as { attributes: Record<string, CtyValue> }).attributes.inline;
    expect(inline).to.deep.equal(ctyVal.list([ctyVal.string('echo hcl-Null')]));
    docs.forEach((d, i) =>
      expect(formatCtyJson([first!, second!][i]!.value, [first!, second!][i]!.type)).to.equal(
        d.toString('utf8'),
      ),
    );
  });

  it('keeps numbers exact: a decimal that no float64 equals keeps its text', () => {
    const { value } = parseCtyJson(
      '{"value":[1,0.5,0.1,12345678901234567890123,1e400],"type":["list","number"]}',
    );
    const elements = (value as unknown as { elements: CtyValue[] }).elements;
    expect(elements[0]).to.deep.equal({ kind: 'number', value: 1 });
    expect(elements[1]).to.deep.equal({ kind: 'number', value: 0.5 });
    expect(elements[2]).to.deep.equal({ kind: 'number', value: 0.1, decimal: '0.1' });
    expect(elements[3]).to.deep.include({ decimal: '12345678901234567890123' });
    expect(elements[4]).to.deep.include({ value: Infinity });
  });

  it('accepts what go-cty accepts: numbers and bools as strings, strings from numbers, missing attributes as null', () => {
    const { value } = parseCtyJson(
      '{"value":{"n":"12","b":"true","s":15,"t":false},"type":["object",{"b":"bool","m":"string","n":"number","s":"string","t":"string"}]}',
    );
    expect(value).to.deep.equal(
      ctyVal.object({
        b: ctyVal.bool(true),
        m: ctyVal.null,
        n: ctyVal.number(12),
        s: ctyVal.string('15'),
        t: ctyVal.string('false'),
      }),
    );
  });

  it('reads dynamic values with their own type, and writes them back', () => {
    const text =
      '{"value":{"a":{"value":["x"],"type":["tuple",["string"]]},"b":null},"type":["object",{"a":"dynamic","b":"dynamic"}]}';
    const { type, value } = parseCtyJson(text);
    expect((value as { attributes: Record<string, CtyValue> }).attributes.a).to.deep.equal(
      ctyVal.dynamic(cty.tuple([cty.string]), ctyVal.tuple([ctyVal.string('x')])),
    );
    expect(formatCtyJson(value, type)).to.equal(text);
  });

  it('writes types as go-cty does: sorted attributes, optional attributes third', () => {
    expect(formatCtyType(cty.object({ b: cty.string, a: cty.list(cty.number) }, ['b']))).to.equal(
      '["object",{"a":["list","number"],"b":"string"},["b"]]',
    );
    expect(parseCtyType('["object",{"a":"string"},["a"]]')).to.deep.equal(
      cty.object({ a: cty.string }, ['a']),
    );
  });

  it('escapes strings like Go encoding/json', () => {
    expect(formatCtyJson(ctyVal.string('<a&b>\u2028"\\\n\u0001'), cty.string)).to.equal(
      '{"value":"\\u003ca\\u0026b\\u003e\\u2028\\"\\\\\\n\\u0001","type":"string"}',
    );
  });

  describe('refuses malformed documents with coded errors', () => {
    const cases: Array<[string, string]> = [
      ['not JSON', '{"value":'],
      ['no type', '{"value":1}'],
      ['an unknown type', '{"value":1,"type":"integer"}'],
      ['a value of the wrong kind', '{"value":"x","type":"number"}'],
      ['an extra attribute', '{"value":{"a":1},"type":["object",{}]}'],
      ['a tuple of the wrong length', '{"value":[1],"type":["tuple",[]]}'],
      ['nesting beyond the limit', `{"value":${'['.repeat(2000)}${']'.repeat(2000)},"type":"dynamic"}`],
    ];
    for (const [title, text] of cases) {
      it(title, () => {
        try {
          parseCtyJson(text);
          expect.fail('should throw');
        } catch (err) {
          expect(
            isSdkError(err, 'PKR_ERR_CTY_JSON') || isSdkError(err, 'PKR_ERR_CTY_TYPE'),
            String(err),
          ).to.equal(true);
        }
      });
    }
  });

  it('round-trips random typed values through JSON (property)', () => {
    fc.assert(
      fc.property(
        arbTypedValue({ dynamic: true, optional: true }, { nulls: true, decimals: true }),
        ({ type, value }) => {
          const infinite = JSON.stringify(value, (_k, v: unknown) =>
            v === Infinity || v === -Infinity ? 'INF' : v,
          ).includes('INF');
          fc.pre(!infinite);
          const text = formatCtyJson(value, type);
          const back = parseCtyJson(text);
          // A document's type is the value's own type: an outer `dynamic` is not written down.
          const wantType = value.kind === 'dynamic' ? value.type : type;
          expect(ctyTypeEquals(back.type, wantType)).to.equal(true);
          expect(formatCtyJson(back.value, back.type)).to.equal(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips random types through their JSON form (property)', () => {
    fc.assert(
      fc.property(arbCtyType({ dynamic: true, optional: true }), (type) => {
        expect(ctyTypeEquals(parseCtyType(formatCtyType(type)), type)).to.equal(true);
      }),
    );
  });

  it('compares set values without regard to order', () => {
    expect(
      ctyValueEquals(
        ctyVal.set([ctyVal.string('a'), ctyVal.string('b')]),
        ctyVal.set([ctyVal.string('b'), ctyVal.string('a')]),
      ),
    ).to.equal(true);
  });
});
