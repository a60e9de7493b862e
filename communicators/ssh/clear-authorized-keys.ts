import { Writable } from 'node:stream';
import { SdkError } from '../../errors/index.js';
import type { Communicator, CommunicatorCallOptions } from '../communicator.js';
import { shellQuote } from '../shared/shell-quote.js';

export interface ClearAuthorizedKeysOptions extends CommunicatorCallOptions {
  /** Files to clean. Default: `~/.ssh/authorized_keys` and `/root/.ssh/authorized_keys`. */
  files?: readonly string[];
  /** Run the cleanup through `sudo -n` (to reach /root as another user), as Packer does. */
  sudo?: boolean;
}

/**
 * Removes the lines holding `publicKey` from the remote authorized_keys files (Packer's
 * `ssh_clear_authorized_keys`). The key is matched by its base64 body, so its comment does
 * not matter. Files are rewritten in place (`cat tmp > file`), keeping their owner and mode;
 * missing or unwritable files are skipped. Needs a POSIX shell and grep on the machine.
 *
 * @throws SdkError `PKR_ERR_OPTION_INVALID` for a malformed key, `PKR_ERR_COMM_COMMAND`
 * when the cleanup command fails.
 */
export async function clearAuthorizedKeys(
  comm: Communicator,
  publicKey: string,
  options: ClearAuthorizedKeysOptions = {},
): Promise<void> {
  const body = publicKey.trim().split(/\s+/)[1];
  if (!body || !/^[A-Za-z0-9+/]+=*$/.test(body)) {
    throw new SdkError('PKR_ERR_OPTION_INVALID', 'clearAuthorizedKeys needs an OpenSSH public key line');
  }
  // `~` must stay unquoted for the shell to expand it.
  const files = (options.files ?? ['~/.ssh/authorized_keys', '/root/.ssh/authorized_keys'])
    .map((f) => (f.startsWith('~/') ? `~/${shellQuote(f.slice(2))}` : shellQuote(f)))
    .join(' ');
  const script = [
    `for f in ${files}; do`,
    '  [ -f "$f" ] && [ -w "$f" ] || continue',
    `  grep -vF -- ${shellQuote(body)} "$f" > "$f.pkr-tmp"`,
    '  cat "$f.pkr-tmp" > "$f" && rm -f "$f.pkr-tmp" || exit 1',
    'done',
  ].join('\n');
  const command = options.sudo ? `sudo -n sh -c ${shellQuote(script)}` : script;
  let output = '';
  const collect = new Writable({
    write(chunk: Buffer, _enc, done) {
      output = (output + chunk.toString()).slice(-4096);
      done();
    },
  });
  const started = await comm.start({ command, stdout: collect, stderr: collect }, options);
  const status = await started.exited;
  if (status !== 0) {
    throw new SdkError(
      'PKR_ERR_COMM_COMMAND',
      `clearing the temporary key from authorized_keys failed with status ${status}: ${output.trim()}`,
      { details: { status } },
    );
  }
}
