import { expect } from 'chai';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectSsh } from '../../communicators/ssh/connect.js';
import type { SshCommunicator } from '../../communicators/ssh/ssh-communicator.js';
import { isSdkError } from '../../errors/index.js';
import { runShellProvisioner } from '../../steps/shell-provision.js';
import { createManualClock, MockUi } from '../../testing/index.js';
import { startSshdOrSkip, type Sshd } from '../support/sshd.js';
import { shellContract } from './support/shell-contract.js';

/**
 * Kills the sshd process serving this session (the nearest sshd ancestor of the script), which
 * drops the connection the way a reboot does: no exit status ever arrives.
 */
const DROP_CONNECTION =
  'p=$PPID; while [ "$p" -gt 1 ]; do case "$(cat /proc/$p/comm)" in sshd*) kill -9 "$p"; break;; esac; ' +
  "p=$(awk '{print $4}' /proc/$p/stat); done";

describe('steps/shell-provision over SSH (OpenSSH sshd)', function () {
  this.timeout(60_000);
  let sshd: Sshd | undefined;
  let communicator: SshCommunicator;

  before(async function () {
    sshd = await startSshdOrSkip(this);
    communicator = await connectSsh(
      {
        host: sshd.host,
        port: sshd.port,
        username: sshd.username,
        auth: { privateKeys: [{ path: sshd.userKey.privateKeyPath }] },
      },
      { handshakeAttempts: 1, timeoutMs: 20_000 },
    );
  });
  after(async () => {
    await communicator?.close();
    await sshd?.stop();
  });

  shellContract(() => ({ communicator }));

  describe('a script that drops the connection (like a reboot)', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'pkr-shell-drop-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    const provision = async (extra: { expect_disconnect?: boolean; valid_exit_codes?: number[] }) => {
      const ui = new MockUi();
      const error = await runShellProvisioner({
        config: {
          inline: ['echo going down', DROP_CONNECTION],
          remote_folder: dir,
          remote_file: 'drop.sh',
          start_retry_delay: '10ms',
          ...extra,
        },
        communicator,
        ui,
        clock: createManualClock({ autoAdvance: true }),
      }).catch((err: unknown) => err);
      return { ui, error };
    };

    it('fails with PKR_ERR_SHELL_DISCONNECTED without expect_disconnect', async () => {
      const { error } = await provision({});
      expect(isSdkError(error, 'PKR_ERR_SHELL_DISCONNECTED'), String(error)).to.equal(true);
    });

    it('succeeds with expect_disconnect, reconnecting to remove the script', async () => {
      const { error } = await provision({ expect_disconnect: true });
      expect(error).to.equal(undefined);
      expect(await readdir(dir)).to.deep.equal([]);
    });

    it('keeps working on the reconnected session afterwards', async () => {
      await provision({ valid_exit_codes: [0, 2300218] });
      const ui = new MockUi();
      await runShellProvisioner({
        config: { inline: ['echo still here'], remote_folder: dir },
        communicator,
        ui,
      });
      expect(ui.lines).to.include('still here');
    });
  });
});
