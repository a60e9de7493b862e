import { expect } from 'chai';
import { Readable } from 'node:stream';
import { NoneCommunicator } from '../../../communicators/none/none-communicator.js';
import { isSdkError } from '../../../errors/index.js';
import { Collect } from '../support/streams.js';

describe('communicators/none', () => {
  const comm = new NoneCommunicator();
  const operations: [string, () => Promise<unknown>, RegExp][] = [
    ['start', () => comm.start({ command: 'uname -a' }), /run the command "uname -a"/],
    ['upload', () => comm.upload('/tmp/x', Readable.from([])), /upload to \/tmp\/x/],
    ['uploadDir', () => comm.uploadDir('/tmp', './site'), /upload the directory \.\/site to \/tmp/],
    ['download', () => comm.download('/etc/hostname', new Collect()), /download \/etc\/hostname/],
    ['downloadDir', () => comm.downloadDir('/var/log', './logs'), /download the directory \/var\/log/],
  ];
  for (const [name, op, message] of operations) {
    it(`refuses ${name} with PKR_ERR_COMM_NONE`, async () => {
      try {
        await op();
        expect.fail('not refused');
      } catch (err) {
        expect(isSdkError(err, 'PKR_ERR_COMM_NONE')).to.equal(true);
        expect((err as Error).message)
          .to.match(message)
          .and.match(/communicator is "none"/);
      }
    });
  }

  it('closes without complaint', async () => {
    await comm.close();
  });
});
