import { expect } from 'chai';
import fc from 'fast-check';
import { isSdkError } from '../../errors/index.js';
import {
  formatControlAddress,
  grpcTarget,
  isLoopbackHost,
  parseControlAddress,
} from '../../observability/control-address.js';

describe('observability/control-address', () => {
  const cases: [string, ReturnType<typeof parseControlAddress>, string][] = [
    ['/tmp/b.sock', { kind: 'unix', path: '/tmp/b.sock' }, 'unix:/tmp/b.sock'],
    ['unix:/run/x/b.sock', { kind: 'unix', path: '/run/x/b.sock' }, 'unix:/run/x/b.sock'],
    ['tcp:127.0.0.1:7000', { kind: 'tcp', host: '127.0.0.1', port: 7000, loopback: true }, '127.0.0.1:7000'],
    ['tcp:localhost:0', { kind: 'tcp', host: 'localhost', port: 0, loopback: true }, 'localhost:0'],
    ['tcp:[::1]:9', { kind: 'tcp', host: '::1', port: 9, loopback: true }, '[::1]:9'],
    ['tcp:0.0.0.0:80', { kind: 'tcp', host: '0.0.0.0', port: 80, loopback: false }, '0.0.0.0:80'],
    [
      'tcp:build.example:443',
      { kind: 'tcp', host: 'build.example', port: 443, loopback: false },
      'build.example:443',
    ],
  ];
  for (const [text, address, target] of cases) {
    it(`reads ${text}`, () => {
      expect(parseControlAddress(text)).to.deep.equal(address);
      expect(grpcTarget(address)).to.equal(target);
    });
  }

  it('takes a relative socket path from the current directory', () => {
    expect(parseControlAddress('b.sock')).to.deep.equal({ kind: 'unix', path: `${process.cwd()}/b.sock` });
  });

  for (const bad of ['', 'tcp:', 'tcp:host', 'tcp:host:99999', 'tcp::80', 'tcp:[::1:80', 'unix:']) {
    it(`refuses ${JSON.stringify(bad)} with PKR_ERR_CONTROL_ADDRESS`, () => {
      expect(() => parseControlAddress(bad))
        .to.throw()
        .that.satisfies((e: unknown) => isSdkError(e, 'PKR_ERR_CONTROL_ADDRESS'));
    });
  }

  it('knows loopback hosts', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(host), host).to.equal(true);
    for (const host of ['0.0.0.0', '10.0.0.1', '::', '128.0.0.1', 'localhost.example', '::ffff:10.0.0.1'])
      expect(isLoopbackHost(host), host).to.equal(false);
  });

  it('reads back what it writes, for any TCP address (property)', () => {
    const host = fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain());
    fc.assert(
      fc.property(host, fc.integer({ min: 0, max: 65535 }), (h, port) => {
        const address = parseControlAddress(
          formatControlAddress({ kind: 'tcp', host: h, port, loopback: false }),
        );
        expect(address).to.deep.equal({ kind: 'tcp', host: h, port, loopback: isLoopbackHost(h) });
      }),
    );
  });
});
