import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { stat } from 'node:fs/promises';
import ssh2 from 'ssh2';
import {
  createTemporaryKeyPair,
  generateOpenSshKeyPair,
  type KeyPairType,
} from '../../../communicators/ssh/key-pair.js';
import { isSdkError } from '../../../errors/index.js';

const hasKeygen = spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error === undefined;

describe('communicators/ssh/key-pair', () => {
  const types: [KeyPairType, number | undefined, string][] = [
    ['ed25519', undefined, 'ssh-ed25519'],
    ['rsa', 2048, 'ssh-rsa'],
    ['ecdsa', 256, 'ecdsa-sha2-nistp256'],
    ['ecdsa', 521, 'ecdsa-sha2-nistp521'],
  ];
  for (const [type, bits, name] of types) {
    it(`writes a ${type}${bits ? `-${bits}` : ''} key ssh2 and ssh-keygen read back`, async function () {
      this.timeout(60_000);
      const pair = await createTemporaryKeyPair({ type, ...(bits ? { bits } : {}), comment: 'packer_test' });
      try {
        expect(pair.privateKey).to.match(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
        expect(pair.publicKey).to.match(new RegExp(`^${name} [A-Za-z0-9+/]+=* packer_test$`));
        expect((await stat(pair.privateKeyPath)).mode & 0o777).to.equal(0o600);
        const parsed = ssh2.utils.parseKey(pair.privateKey) as {
          type: string;
          isPrivateKey(): boolean;
          getPublicSSH(): Buffer;
        };
        expect(parsed.type).to.equal(name);
        expect(parsed.isPrivateKey()).to.equal(true);
        expect(parsed.getPublicSSH().toString('base64')).to.equal(pair.publicKey.split(' ')[1]);
        if (hasKeygen) {
          // ssh-keygen derives the public key from our private key file.
          const derived = execFileSync('ssh-keygen', ['-y', '-f', pair.privateKeyPath], { encoding: 'utf8' });
          expect(derived.split(' ').slice(0, 2).join(' ')).to.equal(
            pair.publicKey.split(' ').slice(0, 2).join(' '),
          );
          const fp = execFileSync('ssh-keygen', ['-l', '-f', pair.privateKeyPath], { encoding: 'utf8' });
          expect(fp).to.include(pair.fingerprint);
        }
      } finally {
        await pair.dispose();
      }
      await stat(pair.privateKeyPath).then(
        () => expect.fail('key file still there'),
        (err: NodeJS.ErrnoException) => expect(err.code).to.equal('ENOENT'),
      );
    });
  }

  it('uses Packer defaults: rsa 4096', async function () {
    this.timeout(120_000);
    const pair = await generateOpenSshKeyPair();
    expect(pair).to.include({ type: 'rsa', bits: 4096 });
  });

  it('refuses sizes a type does not take', async () => {
    for (const [type, bits] of [
      ['ecdsa', 300],
      ['rsa', 1024],
    ] as const) {
      await generateOpenSshKeyPair({ type, bits }).then(
        () => expect.fail('accepted'),
        (err: unknown) => expect(isSdkError(err, 'PKR_ERR_OPTION_INVALID')).to.equal(true),
      );
    }
  });
});
