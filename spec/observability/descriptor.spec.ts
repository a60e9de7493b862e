import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';
import * as prettier from 'prettier';
import protobuf from 'protobufjs';
import { buildControlService, LOADER_OPTIONS, SERVICE_NAME } from '../../observability/control-proto.js';

const PROTO = fileURLToPath(new URL('../../observability/build-control.proto', import.meta.url));
const DESCRIPTOR = fileURLToPath(new URL('../../observability/build-control-descriptor.ts', import.meta.url));

const HEADER = `// Generated from build-control.proto (protobufjs JSON form); spec/observability/descriptor.spec.ts
// checks it against the .proto and rewrites it with UPDATE_SNAPSHOTS=1. Do not edit by hand.
// Embedded rather than read from disk so the service works from a bundle, where the .proto
// file is not next to the code.
import type { fromJSON } from '@grpc/proto-loader';

`;

/** Methods keep their comments (protobufjs's type wants them); everything else drops them. */
function strip(value: unknown, inMethods = false): unknown {
  if (Array.isArray(value)) return value.map((v) => strip(v));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'comment') {
      if (inMethods) out.comment = typeof v === 'string' ? v : '';
      continue;
    }
    out[key] =
      key === 'methods'
        ? Object.fromEntries(Object.entries(v as object).map(([m, d]) => [m, strip(d, true)]))
        : strip(v);
  }
  return out;
}

async function generated(): Promise<string> {
  const root = new protobuf.Root().loadSync(PROTO, { alternateCommentMode: true });
  const json = JSON.stringify(strip(root.toJSON({ keepComments: true })));
  const source = `${HEADER}export const buildControlDescriptor: Parameters<typeof fromJSON>[0] = ${json};\n`;
  const options = await prettier.resolveConfig(DESCRIPTOR);
  return prettier.format(source, { ...options, filepath: DESCRIPTOR });
}

describe('observability/build-control-descriptor', () => {
  it('is the protobufjs form of build-control.proto (UPDATE_SNAPSHOTS=1 regenerates it)', async () => {
    const want = await generated();
    if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(DESCRIPTOR, want);
    expect(readFileSync(DESCRIPTOR, 'utf8')).to.equal(want);
  });

  it('gives the service the same methods and message descriptors as loading the .proto', () => {
    const fromProto = loadSync(PROTO, LOADER_OPTIONS)[SERVICE_NAME] as unknown as Record<
      string,
      Record<string, unknown>
    >;
    const embedded = buildControlService() as unknown as Record<string, Record<string, unknown>>;
    expect(Object.keys(embedded)).to.deep.equal(Object.keys(fromProto));
    for (const [name, method] of Object.entries(fromProto)) {
      const other = embedded[name]!;
      expect(other.path, name).to.equal(method.path);
      expect(other.requestStream, name).to.equal(method.requestStream);
      expect(other.responseStream, name).to.equal(method.responseStream);
      const type = (m: Record<string, unknown>, k: string): unknown => (m[k] as { type: unknown }).type;
      expect(type(other, 'requestType'), name).to.deep.equal(type(method, 'requestType'));
      expect(type(other, 'responseType'), name).to.deep.equal(type(method, 'responseType'));
    }
  });
});
