import { defineDatasource, Type } from 'packer-plugin-sdk';
import { hostAptMirror } from '../lib/apt-mirror.js';

/** Reads the fields of a Debian archive's `dists/SUITE/Release` file. */
export function parseRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
    if (line.startsWith(' ')) break; // the checksum lists follow; nothing more we need
  }
  return out;
}

/** Resolves a suite (`stable`, `bookworm`, …) to its codename and version from the mirror's Release file. */
export const datasource = defineDatasource({
  schema: Type.Object(
    {
      suite: Type.String({ default: 'stable', description: 'Suite or codename to look up.' }),
      mirror: Type.Optional(
        Type.String({ description: "Debian archive URL. Default: the archive this machine's apt uses." }),
      ),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({
    codename: Type.String(),
    suite: Type.String(),
    version: Type.String(),
    date: Type.String(),
  }),
  async execute({ config, signal }) {
    const mirror = (config.mirror ?? hostAptMirror()).replace(/\/$/, '');
    const url = `${mirror}/dists/${config.suite}/Release`;
    const response = await fetch(url, { signal });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const fields = parseRelease(await response.text());
    return {
      codename: fields.Codename ?? '',
      suite: fields.Suite ?? '',
      version: fields.Version ?? '',
      date: fields.Date ?? '',
    };
  },
});
