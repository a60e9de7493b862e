import { createCipheriv } from 'node:crypto';

/**
 * The response to a VNC-authentication challenge (RFB §7.2.2): the 16-byte challenge
 * encrypted with DES in ECB mode, keyed by the password's first 8 bytes (zero-padded) with
 * the bits of each byte reversed — a quirk of the original VNC code that every server kept.
 * The password's bytes are its UTF-8 encoding, what `vncpasswd` stores for a typed password.
 *
 * OpenSSL 3 serves single DES only from its legacy provider, which Node does not load; triple
 * DES with the same key three times (encrypt-decrypt-encrypt) is single DES and is in the
 * default provider.
 */
export function vncAuthResponse(challenge: Uint8Array, password: string | Uint8Array): Buffer {
  if (challenge.length !== 16) throw new RangeError(`a VNC challenge has 16 bytes, got ${challenge.length}`);
  const key = Buffer.alloc(8);
  (typeof password === 'string' ? Buffer.from(password, 'utf8') : Buffer.from(password)).copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) key[i] = reverseBits(key[i]!);
  const cipher = createCipheriv('des-ede3-ecb', Buffer.concat([key, key, key]), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(challenge), cipher.final()]);
}

function reverseBits(byte: number): number {
  let out = 0;
  for (let bit = 0; bit < 8; bit++) out |= ((byte >> bit) & 1) << (7 - bit);
  return out;
}
