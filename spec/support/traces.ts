import { readFileSync } from 'node:fs';

/**
 * The wire fixtures recorded from real Go peers (gob and protobuf vectors, msgpack RPC
 * vectors, Packer 1.6.6 traces), vendored in spec/fixtures/wire so a clone tests on its own.
 */
export const FIXTURES = new URL('../fixtures/wire/', import.meta.url);

export function fixturePath(relative: string): string {
  return new URL(relative, FIXTURES).pathname;
}

/**
 * The hex bytes of every msgpack value in a trace's `.decoded.txt` whose decoded rendering
 * contains `marker` (the hex is on the line after the rendering).
 */
export function traceValues(relative: string, marker: string): Buffer[] {
  const lines = readFileSync(fixturePath(relative), 'utf8').split('\n');
  const out: Buffer[] = [];
  lines.forEach((line, i) => {
    if (line.trimStart().startsWith('msgpack ') && line.includes(marker)) {
      out.push(Buffer.from(lines[i + 1]!.trim(), 'hex'));
    }
  });
  return out;
}

export type TraceDirection = 'core->plugin' | 'plugin->core';

/**
 * Rebuilds, from a raw `.jsonl` capture, the payload bytes of every yamux stream in each
 * direction (Data frames only, in order). Keys are `${streamId}:${direction}`.
 */
export function traceStreams(relative: string): Map<string, Buffer> {
  const bytes: Record<TraceDirection, Buffer[]> = { 'core->plugin': [], 'plugin->core': [] };
  for (const line of readFileSync(fixturePath(relative), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const { dir, hex } = JSON.parse(line) as { dir: TraceDirection; hex: string };
    bytes[dir].push(Buffer.from(hex, 'hex'));
  }
  const streams = new Map<string, Buffer>();
  for (const dir of Object.keys(bytes) as TraceDirection[]) {
    const all = Buffer.concat(bytes[dir]);
    for (let at = 0; at + 12 <= all.length;) {
      const type = all[at + 1]!;
      const id = all.readUInt32BE(at + 4);
      const length = all.readUInt32BE(at + 8);
      at += 12;
      if (type === 0) {
        const key = `${id}:${dir}`;
        streams.set(key, Buffer.concat([streams.get(key) ?? Buffer.alloc(0), all.subarray(at, at + length)]));
        at += length;
      }
    }
  }
  return streams;
}
