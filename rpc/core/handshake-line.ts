import { SdkError } from '../../errors/index.js';

export interface ParsedHandshake {
  readonly flavor: 'legacy' | 'modern';
  readonly network: 'unix' | 'tcp';
  readonly address: string;
}

/**
 * Parses a plugin's handshake line the way Packer core does (protocol §1.3): `5|net|addr`
 * (1.6) or `5|0|net|addr` (≥ 1.7). `expect` picks which core to imitate, since each rejects
 * the other's form.
 */
export function parseHandshakeLine(line: string, expect: 'legacy' | 'modern'): ParsedHandshake {
  const trimmed = line.trim();
  const parts = expect === 'legacy' ? splitN(trimmed, '|', 3) : splitN(trimmed, '|', 4);
  const bad = (why: string): SdkError =>
    new SdkError('PKR_ERR_PLUGIN_HANDSHAKE', `${why} (line: ${JSON.stringify(trimmed)})`, {
      details: { line: trimmed, expect },
    });
  if (parts.length < (expect === 'legacy' ? 3 : 4)) {
    if (expect === 'modern' && parts.length === 3)
      throw bad('the plugin speaks the deprecated protocol version 4 or lower');
    throw bad('unrecognized remote plugin message');
  }
  if (parts[0] !== '5') throw bad(`incompatible API version with plugin: plugin version ${parts[0]}, ours 5`);
  if (expect === 'modern' && parts[1] !== '0') throw bad(`incompatible API minor version ${parts[1]}`);
  const [network, address] = expect === 'legacy' ? [parts[1]!, parts[2]!] : [parts[2]!, parts[3]!];
  if (network !== 'unix' && network !== 'tcp') throw bad(`unknown address type: ${network}`);
  return { flavor: expect, network, address };
}

/** Go's strings.SplitN. */
function splitN(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}
