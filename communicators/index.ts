/**
 * Communicators: how a builder reaches its machine. SSH (SCP/SFTP transfers, password, key,
 * agent and keyboard-interactive auth, host-key checks, bastion and proxies), local,
 * chroot and none, the communicator config block, and the helpers around them.
 * @packageDocumentation
 */
export {
  EXIT_STATUS_DISCONNECTED,
  type Communicator,
  type CommunicatorCallOptions,
  type FileInfo,
  type RemoteCommand,
  type StartedCommand,
} from './communicator.js';
export {
  LocalCommunicator,
  createLocalCommunicator,
  type LocalCommunicatorOptions,
} from './local/local-communicator.js';
export {
  ChrootCommunicator,
  createChrootCommunicator,
  type ChrootCommunicatorOptions,
} from './chroot/chroot-communicator.js';
export { NoneCommunicator } from './none/none-communicator.js';
export { SshCommunicator } from './ssh/ssh-communicator.js';
export {
  connectSsh,
  DEFAULT_HANDSHAKE_ATTEMPTS,
  DEFAULT_RETRY_DELAY_MS,
  DEFAULT_SSH_TIMEOUT_MS,
  type SshWaitOptions,
} from './ssh/connect.js';
export type {
  HostKeyPolicy,
  KeyboardInteractivePrompt,
  KeyboardInteractiveResponder,
  PrivateKeySource,
  SshAuthOptions,
  SshCommunicatorOptions,
  SshEndpoint,
  SshProxyOptions,
  SshTunnel,
} from './ssh/options.js';
export {
  describeHostKey,
  fingerprintOf,
  parseHostKeyPin,
  type HostKeyInfo,
  type HostKeyPin,
} from './ssh/host-key.js';
export {
  formatKnownHostsLine,
  hostMatches,
  knownHostsName,
  parseKnownHosts,
  type KnownHostEntry,
} from './ssh/known-hosts.js';
export {
  createTemporaryKeyPair,
  generateOpenSshKeyPair,
  type KeyPairType,
  type OpenSshKeyPair,
  type TemporaryKeyPair,
} from './ssh/key-pair.js';
export { clearAuthorizedKeys, type ClearAuthorizedKeysOptions } from './ssh/clear-authorized-keys.js';
export { parseTunnel } from './ssh/tunnels.js';
export { signalExitStatus } from './shared/exit-status.js';
export { createExcludeMatcher, type ExcludeMatcher } from './shared/exclude.js';
export {
  communicatorConfigProperties,
  CommunicatorConfigSchema,
  type CommunicatorConfig,
} from './config/schema.js';
export {
  isSshConfig,
  resolveCommunicatorConfig,
  type ResolveCommunicatorOptions,
  type ResolvedCommunicatorConfig,
  type ResolvedOtherConfig,
  type ResolvedSshConfig,
  type ResolveResult,
} from './config/resolve.js';
