import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeHostKey, HostKeyVerifier, parseHostKeyPin } from '../../../communicators/ssh/host-key.js';
import { generateOpenSshKeyPair } from '../../../communicators/ssh/key-pair.js';
import {
  formatKnownHostsLine,
  hostMatches,
  knownHostsName,
  parseKnownHosts,
} from '../../../communicators/ssh/known-hosts.js';
import { isSdkError } from '../../../errors/index.js';

function blobOf(publicKeyLine: string): Buffer {
  return Buffer.from(publicKeyLine.split(' ')[1]!, 'base64');
}

describe('communicators/ssh known_hosts and host keys', () => {
  let dir: string;
  let keyA: string;
  let keyB: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-kh-'));
    keyA = (await generateOpenSshKeyPair({ type: 'ed25519' })).publicKey;
    keyB = (await generateOpenSshKeyPair({ type: 'ed25519' })).publicKey;
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('host patterns', () => {
    const cases: [string, string, number, boolean][] = [
      ['example.com', 'example.com', 22, true],
      ['EXAMPLE.com', 'example.COM', 22, true],
      ['example.com', 'example.com', 2222, false],
      ['[example.com]:2222', 'example.com', 2222, true],
      ['a.example.com,b.example.com', 'b.example.com', 22, true],
      ['*.example.com', 'vm1.example.com', 22, true],
      ['*.example.com,!bad.example.com', 'bad.example.com', 22, false],
      ['10.0.0.?', '10.0.0.7', 22, true],
      ['10.0.0.?', '10.0.0.17', 22, false],
      ['[10.0.0.*]:2200', '10.0.0.5', 2200, true],
    ];
    for (const [field, host, port, expected] of cases) {
      it(`${field} ${expected ? 'matches' : 'does not match'} ${host}:${port}`, () => {
        expect(hostMatches(field, host, port)).to.equal(expected);
      });
    }

    it('matches hashed entries (HMAC-SHA1 of the name) like ssh-keygen -H writes them', () => {
      const salt = Buffer.from('0123456789abcdefghij');
      const hash = createHmac('sha1', salt).update('[127.0.0.1]:2222').digest('base64');
      const field = `|1|${salt.toString('base64')}|${hash}`;
      expect(hostMatches(field, '127.0.0.1', 2222)).to.equal(true);
      expect(hostMatches(field, '127.0.0.1', 22)).to.equal(false);
      const written = formatKnownHostsLine('h', 2200, 'ssh-ed25519', blobOf(keyA), true).split(' ')[0]!;
      expect(written).to.match(/^\|1\|/);
      expect(hostMatches(written, 'h', 2200)).to.equal(true);
    });

    it('names hosts like OpenSSH', () => {
      expect(knownHostsName('h', 22)).to.equal('h');
      expect(knownHostsName('h', 2222)).to.equal('[h]:2222');
    });
  });

  it('parses markers, comments and skips junk', () => {
    const text = [
      '# comment',
      '',
      `host1 ${keyA} trailing comment`,
      `@revoked host2 ${keyB}`,
      `@cert-authority *.example.com ${keyA}`,
      '@bogus host3 ssh-ed25519 AAAA',
      'only-two fields',
      'host4 ssh-ed25519 not*base64',
    ].join('\n');
    const entries = parseKnownHosts(text);
    expect(entries.map((e) => [e.hosts, e.marker ?? null, e.line])).to.deep.equal([
      ['host1', null, 3],
      ['host2', 'revoked', 4],
      ['*.example.com', 'cert-authority', 5],
    ]);
    expect(entries[0]!.keyBlob).to.deep.equal(blobOf(keyA));
  });

  describe('pins', () => {
    it('accepts key lines, keyscan lines and fingerprints', () => {
      const fp = describeHostKey(blobOf(keyA)).fingerprint;
      expect(parseHostKeyPin(keyA)).to.deep.include({ kind: 'key', type: 'ssh-ed25519', fingerprint: fp });
      expect(parseHostKeyPin(`[h]:22 ${keyA}`)).to.deep.include({ kind: 'key', fingerprint: fp });
      expect(parseHostKeyPin(fp)).to.deep.equal({ kind: 'fingerprint', fingerprint: fp });
      expect(parseHostKeyPin(`${fp}=`)).to.deep.equal({ kind: 'fingerprint', fingerprint: fp });
      expect(parseHostKeyPin('MD5:aa:bb')).to.have.property('error');
      expect(parseHostKeyPin(`ssh-rsa ${keyA.split(' ')[1]}`)).to.deep.equal({
        error: 'the key data does not match its type ssh-rsa',
      });
    });

    it('verifies against a pin and names both fingerprints on a mismatch', async () => {
      const ok = new HostKeyVerifier({ pins: [keyA] }, 'h', 22);
      expect(await ok.verify(blobOf(keyA))).to.equal(true);
      const bad = new HostKeyVerifier({ pins: [describeHostKey(blobOf(keyA)).fingerprint] }, 'h', 2222);
      expect(await bad.verify(blobOf(keyB))).to.equal(false);
      expect(isSdkError(bad.failure, 'PKR_ERR_SSH_HOST_KEY')).to.equal(true);
      expect(bad.failure!.message).to.include(describeHostKey(blobOf(keyA)).fingerprint);
      expect(bad.failure!.message).to.include(describeHostKey(blobOf(keyB)).fingerprint);
      expect(bad.failure!.message).to.include('h:2222');
    });

    it('accepts anything without a policy', async () => {
      const v = new HostKeyVerifier(undefined, 'h', 22);
      expect(v.checks).to.equal(false);
      expect(await v.verify(blobOf(keyB))).to.equal(true);
    });
  });

  describe('known_hosts files', () => {
    it('accepts a listed key, refuses another one, refuses revoked keys', async () => {
      const file = path.join(dir, 'kh1');
      await writeFile(file, `[h]:2222 ${keyA}\n@revoked h ${keyB}\n`);
      expect(await new HostKeyVerifier({ knownHostsFile: file }, 'h', 2222).verify(blobOf(keyA))).to.equal(
        true,
      );
      const mismatch = new HostKeyVerifier({ knownHostsFile: file, trustOnFirstUse: true }, 'h', 2222);
      expect(await mismatch.verify(blobOf(keyB))).to.equal(false);
      expect(mismatch.failure!.message).to.match(/host key mismatch.*line 1/);
      const revoked = new HostKeyVerifier({ knownHostsFile: file }, 'h', 22);
      expect(await revoked.verify(blobOf(keyB))).to.equal(false);
      expect(revoked.failure!.message).to.match(/@revoked/);
    });

    it('refuses an unknown host unless trusting on first use, then records it', async () => {
      const file = path.join(dir, 'sub', 'kh2');
      const strict = new HostKeyVerifier({ knownHostsFile: file }, 'h', 2222);
      expect(await strict.verify(blobOf(keyA))).to.equal(false);
      expect(strict.failure!.message).to.match(/not listed in/);
      const tofu = new HostKeyVerifier({ knownHostsFile: file, trustOnFirstUse: true }, 'h', 2222);
      expect(await tofu.verify(blobOf(keyA))).to.equal(true);
      expect(await readFile(file, 'utf8')).to.equal(`[h]:2222 ${keyA.split(' ').slice(0, 2).join(' ')}\n`);
      const again = new HostKeyVerifier({ knownHostsFile: file, trustOnFirstUse: true }, 'h', 2222);
      expect(await again.verify(blobOf(keyB))).to.equal(false);
      expect(again.failure!.message).to.match(/mismatch/);
    });
  });
});
