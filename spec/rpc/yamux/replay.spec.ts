import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { FrameDecoder } from '../../../rpc/yamux/frame-decoder.js';
import { Flag, FrameType } from '../../../rpc/yamux/frame.js';
import type { YamuxStream } from '../../../rpc/yamux/stream.js';
import { closeOf, sessionWithRawPeer } from './support/peers.js';
import { cleanupSocketPairs } from './support/socket-pair.js';
import { readTrace, tracePath, traceStream } from './support/traces.js';

const TRACE = 'json-template/packer-builder-tapnull.jsonl';

interface ListedStream {
  id: number;
  openedBy: 'core' | 'plugin';
  /** Bytes core sent on it, per the decoded listing. */
  coreBytes: number;
  /** What the listing shows of core's bytes: the broker id, then every decoded value's hex. */
  coreHex: string;
}

/** Reads the per-stream sections of a `.decoded.txt` listing. */
function listedStreams(text: string): ListedStream[] {
  const sections = text.split(/^## yamux stream /m).slice(1);
  return sections.map((section) => {
    const head = /^(\d+) \(opened (core|plugin)->/.exec(section)!;
    const core = /^ {2}core->plugin: (\d+) bytes\n([\s\S]*?)(?=^ {2}\S|(?![\s\S]))/m.exec(section);
    let coreHex = '';
    if (core) {
      coreHex = /\[([0-9a-f]{8})\]/.exec(core[2]!)?.[1] ?? '';
      for (const line of core[2]!.split('\n')) if (/^ {6}[0-9a-f]+$/.test(line)) coreHex += line.trim();
    }
    return {
      id: Number(head[1]),
      openedBy: head[2] as 'core' | 'plugin',
      coreBytes: core ? Number(core[1]) : 0,
      coreHex,
    };
  });
}

describe('rpc/yamux replay of Packer 1.6.6 core→plugin bytes (json-template builder)', () => {
  afterEach(cleanupSocketPairs);

  it('accepts the streams core opened and receives exactly what core sent on them', async () => {
    const listed = listedStreams(readFileSync(tracePath(TRACE.replace('.jsonl', '.decoded.txt')), 'utf8'));
    const { session, raw, log } = await sessionWithRawPeer({ role: 'server' });
    const received = new Map<number, Buffer[]>();
    const accepted: YamuxStream[] = [];
    session.on('stream', (stream) => {
      accepted.push(stream);
      received.set(stream.id, []);
      stream.on('data', (chunk: Buffer) => received.get(stream.id)!.push(chunk));
    });
    const closed = closeOf(session);
    // Replay core's reads as captured, then hang up as core does when it kills a plugin.
    for (const { dir, bytes } of readTrace(TRACE)) if (dir === 'core->plugin') raw.sendBytes(bytes);
    raw.socket.end();
    const reason = await closed;
    await raw.closed;
    expect((reason as { code?: string }).code).to.equal('PKR_ERR_YAMUX_CONNECTION_LOST');

    const coreOpened = listed.filter((s) => s.openedBy === 'core');
    expect(coreOpened.map((s) => s.id)).to.deep.equal([1, 3, 5]);
    expect(accepted.map((s) => s.id)).to.deep.equal([1, 3, 5]);
    for (const stream of coreOpened) {
      const bytes = Buffer.concat(received.get(stream.id)!);
      expect(bytes.length, `stream ${stream.id}`).to.equal(stream.coreBytes);
      expect(bytes.toString('hex').startsWith(stream.coreHex), `stream ${stream.id}`).to.equal(true);
    }
    // Stream 1 is the component service: broker id 0, then the msgpack Builder.Prepare request.
    const first = Buffer.concat(received.get(1)!);
    expect(first.subarray(0, 4).toString('hex')).to.equal('00000000');
    expect(first.subarray(4, 4 + 36).toString('hex')).to.equal(
      '82ad536572766963654d6574686f64af4275696c6465722e50726570617265a353657100',
    );
    const full = listed.find((s) => s.id === 1)!;
    expect(first.toString('hex')).to.equal(full.coreHex);

    // Streams the real plugin had opened are unknown here: their data is dropped with a log line.
    const discarded = new Map<number, number>();
    for (const entry of log.entries.filter((e) => e.message.includes('discarding data'))) {
      const id = entry.details!['streamId'] as number;
      discarded.set(id, (discarded.get(id) ?? 0) + (entry.details!['length'] as number));
    }
    for (const stream of listed.filter((s) => s.openedBy === 'plugin' && s.coreBytes > 0)) {
      expect(discarded.get(stream.id), `stream ${stream.id}`).to.equal(stream.coreBytes);
    }

    // What we sent back starts exactly as the real plugin's bytes did: WindowUpdate+ACK on 1.
    const ours = raw.frames.filter((f) => f.type === FrameType.WindowUpdate);
    expect(ours.map((f) => [f.streamId, f.flags, f.length])).to.deep.equal([
      [1, Flag.ACK, 0],
      [3, Flag.ACK, 0],
      [5, Flag.ACK, 0],
    ]);
    const real = new FrameDecoder().decode(traceStream(TRACE, 'plugin->core'));
    expect(real[0]).to.include({ type: FrameType.WindowUpdate, flags: Flag.ACK, streamId: 1, length: 0 });
    expect(raw.frames.some((f) => f.type === FrameType.GoAway)).to.equal(false);
  });
});
