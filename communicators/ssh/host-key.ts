import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { SdkError } from '../../errors/index.js';
import { formatKnownHostsLine, hostMatches, parseKnownHosts } from './known-hosts.js';
import type { HostKeyPolicy } from './options.js';

/** A host key as the server presented it. */
export interface HostKeyInfo {
  /** Key type from the blob, e.g. `ssh-ed25519`. */
  type: string;
  /** `SHA256:…` (unpadded base64), as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** The SSH wire encoding of the public key. */
  blob: Buffer;
}

/** `SHA256:…` fingerprint of a public key blob. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Reads the type and fingerprint of a public key blob. */
export function describeHostKey(blob: Buffer): HostKeyInfo {
  const len = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const type = len > 0 && 4 + len <= blob.length ? blob.subarray(4, 4 + len).toString('latin1') : 'unknown';
  return { type, fingerprint: fingerprintOf(blob), blob };
}

/** A parsed `ssh_host_key` value. */
export type HostKeyPin =
  | { kind: 'fingerprint'; fingerprint: string }
  | { kind: 'key'; type: string; blob: Buffer; fingerprint: string };

/**
 * Parses a pin: an OpenSSH public key line (`ssh-ed25519 AAAA… [comment]`, as in a `.pub`
 * file or `ssh-keyscan` output without the host) or a `SHA256:…` fingerprint (as
 * `ssh-keygen -lf` prints). Returns an error message for anything else.
 */
export function parseHostKeyPin(text: string): HostKeyPin | { error: string } {
  const value = text.trim();
  const fp = /^SHA256:([A-Za-z0-9+/]{43})=?$/.exec(value);
  if (fp) return { kind: 'fingerprint', fingerprint: `SHA256:${fp[1]}` };
  const fields = value.split(/\s+/);
  // Accept a known_hosts/ssh-keyscan line too: skip a leading host field.
  const start = fields.length >= 3 && !/^(ssh-|ecdsa-|sk-)/.test(fields[0]!) ? 1 : 0;
  const [type, b64] = [fields[start], fields[start + 1]];
  if (type && b64 && /^(ssh-|ecdsa-|sk-)/.test(type) && /^[A-Za-z0-9+/]+=*$/.test(b64)) {
    const blob = Buffer.from(b64, 'base64');
    if (describeHostKey(blob).type === type)
      return { kind: 'key', type, blob, fingerprint: fingerprintOf(blob) };
    return { error: `the key data does not match its type ${type}` };
  }
  return {
    error: 'expected an OpenSSH public key line ("ssh-ed25519 AAAA…") or a SHA256 fingerprint ("SHA256:…")',
  };
}

/**
 * Checks one server's host key against a {@link HostKeyPolicy}. `verify` answers ssh2's
 * host verifier; after a refusal, `failure` holds the coded error naming both fingerprints.
 */
export class HostKeyVerifier {
  /** The key the server presented, once it did. */
  presented: HostKeyInfo | undefined;
  /** Why the key was refused. */
  failure: SdkError | undefined;
  readonly #policy: HostKeyPolicy;
  readonly #host: string;
  readonly #port: number;
  readonly #label: string;

  constructor(policy: HostKeyPolicy | undefined, host: string, port: number, label = 'the SSH server') {
    this.#policy = policy ?? {};
    this.#host = host;
    this.#port = port;
    this.#label = label;
  }

  /** True when the policy checks anything (otherwise every key is accepted). */
  get checks(): boolean {
    return (this.#policy.pins?.length ?? 0) > 0 || this.#policy.knownHostsFile !== undefined;
  }

  async verify(blob: Buffer): Promise<boolean> {
    const key = describeHostKey(blob);
    this.presented = key;
    try {
      if (this.#policy.pins && this.#policy.pins.length > 0) return this.#checkPins(key);
      if (this.#policy.knownHostsFile !== undefined)
        return await this.#checkKnownHosts(key, this.#policy.knownHostsFile);
      return true;
    } catch (err) {
      this.failure =
        err instanceof SdkError
          ? err
          : new SdkError('PKR_ERR_SSH_HOST_KEY', `cannot check the host key: ${(err as Error).message}`, {
              cause: err,
            });
      return false;
    }
  }

  #checkPins(key: HostKeyInfo): boolean {
    const pins = this.#policy.pins!.map(parseHostKeyPin);
    const expected: string[] = [];
    for (const pin of pins) {
      if ('error' in pin) continue;
      if (pin.fingerprint === key.fingerprint) return true;
      expected.push(pin.kind === 'key' ? `${pin.type} ${pin.fingerprint}` : pin.fingerprint);
    }
    this.failure = this.#mismatch(key, `ssh_host_key expects ${expected.join(' or ') || 'no valid key'}`);
    return false;
  }

  async #checkKnownHosts(key: HostKeyInfo, file: string): Promise<boolean> {
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const entries = parseKnownHosts(text).filter(
      (e) => e.marker !== 'cert-authority' && hostMatches(e.hosts, this.#host, this.#port),
    );
    const revoked = entries.find((e) => e.marker === 'revoked' && e.keyBlob.equals(key.blob));
    if (revoked) {
      this.failure = new SdkError(
        'PKR_ERR_SSH_HOST_KEY',
        `${this.#where()} presented ${key.type} ${key.fingerprint}, which ${file} line ${revoked.line} marks @revoked`,
        { details: this.#details(key) },
      );
      return false;
    }
    const listed = entries.filter((e) => e.marker === undefined);
    if (listed.some((e) => e.keyBlob.equals(key.blob))) return true;
    if (listed.length > 0) {
      const expected = listed
        .map((e) => `${e.keyType} ${fingerprintOf(e.keyBlob)} (line ${e.line})`)
        .join(', ');
      this.failure = this.#mismatch(key, `${file} lists ${expected}`);
      return false;
    }
    if (this.#policy.trustOnFirstUse) {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      const needsNewline = text !== '' && !text.endsWith('\n');
      await appendFile(
        file,
        `${needsNewline ? '\n' : ''}${formatKnownHostsLine(this.#host, this.#port, key.type, key.blob)}\n`,
        { mode: 0o600 },
      );
      return true;
    }
    this.failure = new SdkError(
      'PKR_ERR_SSH_HOST_KEY',
      `${this.#where()} is not listed in ${file} (it presented ${key.type} ${key.fingerprint}); add it, or allow trust on first use`,
      { details: this.#details(key) },
    );
    return false;
  }

  #mismatch(key: HostKeyInfo, expected: string): SdkError {
    return new SdkError(
      'PKR_ERR_SSH_HOST_KEY',
      `host key mismatch for ${this.#where()}: it presented ${key.type} ${key.fingerprint}, but ${expected}`,
      { details: this.#details(key) },
    );
  }

  #where(): string {
    return `${this.#label} ${this.#host}:${this.#port}`;
  }

  #details(key: HostKeyInfo): Record<string, unknown> {
    return { host: this.#host, port: this.#port, presented: key.fingerprint, keyType: key.type };
  }
}
