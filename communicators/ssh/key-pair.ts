import { generateKeyPair as generateNodeKeyPair, randomBytes, type JsonWebKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SdkError } from '../../errors/index.js';
import { fingerprintOf } from './host-key.js';

const generate = promisify(generateNodeKeyPair);

export type KeyPairType = 'rsa' | 'ed25519' | 'ecdsa';

/** A key pair in OpenSSH's own formats. */
export interface OpenSshKeyPair {
  type: KeyPairType;
  /** Bits of the key (256 for ed25519). */
  bits: number;
  /** `-----BEGIN OPENSSH PRIVATE KEY-----` text, unencrypted. */
  privateKey: string;
  /** The authorized_keys line: `ssh-ed25519 AAAA… comment`. */
  publicKey: string;
  /** `SHA256:…` fingerprint of the public key. */
  fingerprint: string;
}

/** Defaults and the accepted sizes per type (Packer: rsa 4096, ecdsa 521; ed25519 fixed). */
export const KEY_PAIR_BITS: Readonly<
  Record<KeyPairType, { default: number; valid: (bits: number) => boolean; rule: string }>
> = {
  rsa: {
    default: 4096,
    valid: (b) => Number.isInteger(b) && b >= 2048 && b <= 16384,
    rule: 'between 2048 and 16384',
  },
  ecdsa: { default: 521, valid: (b) => b === 256 || b === 384 || b === 521, rule: '256, 384 or 521' },
  ed25519: { default: 256, valid: () => true, rule: 'ignored' },
};

const CURVES: Readonly<Record<number, { node: string; ssh: string }>> = {
  256: { node: 'P-256', ssh: 'nistp256' },
  384: { node: 'P-384', ssh: 'nistp384' },
  521: { node: 'P-521', ssh: 'nistp521' },
};

/**
 * Generates a key pair with Node's crypto and encodes it the way `ssh-keygen` writes it
 * (openssh-key-v1 private key, one-line public key).
 * @throws SdkError `PKR_ERR_OPTION_INVALID` for an unknown type or a size it does not take.
 */
export async function generateOpenSshKeyPair(
  options: { type?: KeyPairType; bits?: number; comment?: string } = {},
): Promise<OpenSshKeyPair> {
  const type = options.type ?? 'rsa';
  const rules = KEY_PAIR_BITS[type];
  if (!rules) throw new SdkError('PKR_ERR_OPTION_INVALID', `unknown key pair type ${JSON.stringify(type)}`);
  const bits = type === 'ed25519' ? 256 : options.bits && options.bits > 0 ? options.bits : rules.default;
  if (!rules.valid(bits)) {
    throw new SdkError('PKR_ERR_OPTION_INVALID', `a ${type} key takes ${rules.rule} bits, not ${bits}`);
  }
  const comment = options.comment ?? `packer_${randomBytes(8).toString('hex')}`;
  let publicBlob: Buffer;
  let privateFields: Buffer;
  if (type === 'ed25519') {
    const { privateKey } = await generate('ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    const pub = b64u(jwk.x);
    publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
    privateFields = Buffer.concat([
      sshString('ssh-ed25519'),
      sshString(pub),
      sshString(Buffer.concat([b64u(jwk.d), pub])),
    ]);
  } else if (type === 'rsa') {
    const { privateKey } = await generate('rsa', { modulusLength: bits, publicExponent: 0x10001 });
    const jwk = privateKey.export({ format: 'jwk' });
    const [n, e, d, p, q, qi] = [jwk.n, jwk.e, jwk.d, jwk.p, jwk.q, jwk.qi].map(b64u) as [
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
    ];
    publicBlob = Buffer.concat([sshString('ssh-rsa'), mpint(e), mpint(n)]);
    privateFields = Buffer.concat([
      sshString('ssh-rsa'),
      mpint(n),
      mpint(e),
      mpint(d),
      mpint(qi),
      mpint(p),
      mpint(q),
    ]);
  } else {
    const curve = CURVES[bits]!;
    const { privateKey } = await generate('ec', { namedCurve: curve.node });
    const jwk: JsonWebKey = privateKey.export({ format: 'jwk' });
    const size = Math.ceil(bits / 8);
    const point = Buffer.concat([Buffer.from([4]), pad(b64u(jwk.x), size), pad(b64u(jwk.y), size)]);
    const name = `ecdsa-sha2-${curve.ssh}`;
    publicBlob = Buffer.concat([sshString(name), sshString(curve.ssh), sshString(point)]);
    privateFields = Buffer.concat([
      sshString(name),
      sshString(curve.ssh),
      sshString(point),
      mpint(b64u(jwk.d)),
    ]);
  }
  const keyName = publicBlob.subarray(4, 4 + publicBlob.readUInt32BE(0)).toString();
  return {
    type,
    bits,
    privateKey: armor(openSshPrivateKey(publicBlob, privateFields, comment)),
    publicKey: `${keyName} ${publicBlob.toString('base64')} ${comment}`,
    fingerprint: fingerprintOf(publicBlob),
  };
}

/** A generated key pair whose private key also lives in a private temp file. */
export interface TemporaryKeyPair extends OpenSshKeyPair {
  /** The private key file: mode 0600, in a fresh 0700 temp directory. */
  privateKeyPath: string;
  /** Deletes the key file and its directory. Safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * Generates a temporary key pair (Packer's `temporary_key_pair_*`) and writes the private
 * key to a private temp directory; `dispose` removes it (StepConnect's cleanup does).
 */
export async function createTemporaryKeyPair(
  options: { type?: KeyPairType; bits?: number; comment?: string } = {},
): Promise<TemporaryKeyPair> {
  const pair = await generateOpenSshKeyPair(options);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-key-'));
  const privateKeyPath = path.join(dir, 'id');
  try {
    await writeFile(privateKeyPath, pair.privateKey, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return { ...pair, privateKeyPath, dispose: () => rm(dir, { recursive: true, force: true }) };
}

function openSshPrivateKey(publicBlob: Buffer, privateFields: Buffer, comment: string): Buffer {
  const check = randomBytes(4);
  let section = Buffer.concat([check, check, privateFields, sshString(comment)]);
  // Pad to the cipher block size ("none" counts as 8) with bytes 1, 2, 3, …
  const padding = (8 - (section.length % 8)) % 8;
  section = Buffer.concat([section, Buffer.from(Array.from({ length: padding }, (_, i) => i + 1))]);
  return Buffer.concat([
    Buffer.from('openssh-key-v1\0', 'latin1'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    u32(1),
    sshString(publicBlob),
    sshString(section),
  ]);
}

function armor(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function sshString(data: string | Buffer): Buffer {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([u32(buf.length), buf]);
}

/** RFC 4251 mpint of a non-negative big-endian magnitude. */
function mpint(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start++;
  let body = magnitude.subarray(start);
  if (body.length > 0 && (body[0]! & 0x80) !== 0) body = Buffer.concat([Buffer.from([0]), body]);
  return sshString(body);
}

function pad(b: Buffer, size: number): Buffer {
  return b.length >= size ? b : Buffer.concat([Buffer.alloc(size - b.length), b]);
}

function b64u(value: string | undefined): Buffer {
  if (value === undefined) throw new Error('key export lacks a field');
  return Buffer.from(value, 'base64url');
}
