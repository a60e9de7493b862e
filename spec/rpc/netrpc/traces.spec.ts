import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  MsgpackStreamDecoder,
  asArray,
  asBytes,
  asStruct,
  decodeMsgpack,
  readRequestHeader,
  readResponseHeader,
} from '../../../rpc/netrpc/index.js';
import { fixturePath, traceStreams, type TraceDirection } from '../../support/traces.js';

// Every msgpack value of the real Packer 1.6.6 traces, decoded twice: from the hex listed in
// `.decoded.txt` and from the raw yamux capture cut into arbitrary chunks.

const TRACES = [
  'json-template/packer-builder-tapnull',
  'json-template/packer-post-processor-tapmanifest',
  'json-template/packer-provisioner-tapfile',
  'json-template/packer-provisioner-tapshell',
  'hcl2-template/packer-builder-tapnull',
  'hcl2-template/packer-provisioner-tapshell',
  'ctrl-c/packer-builder-tapnull',
  'ctrl-c/packer-provisioner-tapshell',
];

interface ListedValue {
  readonly hex: string;
  /** The listing shortens long values to a prefix ("…(+N bytes)"). */
  readonly complete: boolean;
}

interface RpcDirection {
  readonly stream: number;
  readonly dir: TraceDirection;
  /** True when this direction carries requests (it was opened by the side sending them). */
  readonly requests: boolean;
  readonly values: ListedValue[];
}

/** The msgpack values `.decoded.txt` lists per yamux stream and direction. */
function listedValues(trace: string): RpcDirection[] {
  const lines = readFileSync(fixturePath(`packer-1.6.6-traces/${trace}.decoded.txt`), 'utf8').split('\n');
  const out: RpcDirection[] = [];
  let stream = 0;
  let opener: TraceDirection = 'core->plugin';
  let current: RpcDirection | undefined;
  lines.forEach((line, i) => {
    const section = /^## yamux stream (\d+) \(opened (core->plugin|plugin->core)\)/.exec(line);
    if (section) {
      stream = Number(section[1]);
      opener = section[2] as TraceDirection;
      current = undefined;
      return;
    }
    const direction = /^ {2}(core->plugin|plugin->core): \d+ bytes/.exec(line);
    if (direction) {
      const dir = direction[1] as TraceDirection;
      current = { stream, dir, requests: dir === opener, values: [] };
      out.push(current);
      return;
    }
    if (line.startsWith('    msgpack ') && current) {
      const hex = /^ {6}([0-9a-f]+)(\.\.\.\(\+\d+ bytes\))?$/.exec(lines[i + 1] ?? '');
      if (!hex) throw new Error(`${trace}:${i + 2}: no hex after a msgpack line`);
      current.values.push({ hex: hex[1]!, complete: hex[2] === undefined });
    }
  });
  return out.filter((d) => d.values.length > 0);
}

/** Deterministic chunk sizes (1..97 bytes) so a failure reproduces. */
function* chunks(bytes: Buffer, seed: number): Generator<Buffer> {
  let state = seed;
  for (let at = 0; at < bytes.length;) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const size = 1 + (state % 97);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

describe('rpc/netrpc: real Packer 1.6.6 traces', () => {
  for (const trace of TRACES) {
    describe(trace, () => {
      const directions = listedValues(trace);
      const raw = traceStreams(`packer-1.6.6-traces/${trace}.jsonl`);

      it('decodes every listed msgpack hex without error', () => {
        let count = 0;
        for (const { values } of directions) {
          for (const { hex, complete } of values) {
            if (!complete) continue;
            expect(() => decodeMsgpack(Buffer.from(hex, 'hex')), hex).to.not.throw();
            count++;
          }
        }
        expect(count).to.be.greaterThan(10);
      });

      it('cuts the raw RPC streams, chunked arbitrarily, into the same values and valid headers', () => {
        directions.forEach(({ stream, dir, requests, values }, n) => {
          const payload = raw.get(`${stream}:${dir}`);
          if (payload === undefined) throw new Error(`no raw bytes for stream ${stream} ${dir}`);
          const decoder = new MsgpackStreamDecoder();
          const decoded: unknown[] = [];
          // The first 4 bytes are the broker id (protocol §2.2), not msgpack.
          for (const chunk of chunks(payload.subarray(4), n + 1)) {
            decoder.push(chunk);
            for (let next = decoder.next(); next; next = decoder.next()) decoded.push(next.value);
          }
          decoder.finish();
          expect(decoded, `stream ${stream} ${dir}`).to.have.length(values.length);
          values.forEach(({ hex, complete }, i) => {
            if (complete)
              expect(decoded[i], `${stream} ${dir} #${i}`).to.deep.equal(
                decodeMsgpack(Buffer.from(hex, 'hex')),
              );
          });
          for (let i = 0; i < decoded.length; i += 2) {
            const header = requests ? readRequestHeader(decoded[i]) : readResponseHeader(decoded[i]);
            expect(header.serviceMethod).to.match(/^.+\..+$/);
          }
        });
      });
    });
  }

  it('reads the HCL2 Prepare cty JSON from its bin (c5 …) as bytes', () => {
    const [direction] = listedValues('hcl2-template/packer-builder-tapnull').filter((d) => d.requests);
    const raw = traceStreams('packer-1.6.6-traces/hcl2-template/packer-builder-tapnull.jsonl');
    const decoder = new MsgpackStreamDecoder();
    decoder.push(raw.get(`${direction!.stream}:${direction!.dir}`)!.subarray(4));
    const values: unknown[] = [];
    for (let next = decoder.next(); next; next = decoder.next()) values.push(next.value);
    const index = values.findIndex(
      (v, i) => i % 2 === 0 && readRequestHeader(v).serviceMethod === 'Builder.Prepare',
    );
    const configs = asArray(asStruct(values[index + 1], 'args').Configs, 'args.Configs');
    expect(configs[1]).to.be.instanceOf(Uint8Array);
    const cty = JSON.parse(Buffer.from(asBytes(configs[1], 'Configs[1]')).toString('utf8')) as {
      value: Record<string, unknown>;
    };
    expect(cty.value.communicator).to.equal('ssh');
  });

  it('reads JSON-template numbers as float64 (ssh_port 2222 = cb 40a15c…)', () => {
    const value = decodeMsgpack(Buffer.from('81a87373685f706f7274cb40a15c0000000000', 'hex'));
    expect(value).to.deep.equal({ ssh_port: 2222 });
  });
});
