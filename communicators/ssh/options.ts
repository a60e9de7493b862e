/** A private key to authenticate with: a file, or the key text itself. */
export type PrivateKeySource =
  { path: string; passphrase?: string } | { key: string | Buffer; passphrase?: string; label?: string };

/** One keyboard-interactive prompt from the server. */
export interface KeyboardInteractivePrompt {
  prompt: string;
  echo: boolean;
}

/** Answers keyboard-interactive prompts (one answer per prompt, in order). */
export type KeyboardInteractiveResponder = (
  prompts: readonly KeyboardInteractivePrompt[],
  info: { name: string; instructions: string },
) => string[] | Promise<string[]>;

/**
 * How to authenticate. Methods are tried in this order, skipping those the server does not
 * offer: agent, private keys, password, keyboard-interactive.
 */
export interface SshAuthOptions {
  password?: string;
  privateKeys?: readonly PrivateKeySource[];
  /** Authenticate with an ssh-agent: its socket path, or true for `$SSH_AUTH_SOCK`. */
  agent?: string | boolean;
  /**
   * Keyboard-interactive: true answers every prompt with `password` (what Packer does);
   * a function answers them itself. Default: on when a password is given.
   */
  keyboardInteractive?: boolean | KeyboardInteractiveResponder;
}

/**
 * Which host keys to accept. With nothing set, any key is accepted (Packer's behaviour);
 * StepConnect then warns once.
 */
export interface HostKeyPolicy {
  /** Accepted keys: OpenSSH public key lines (`ssh-ed25519 AAAA… comment`) or `SHA256:…` fingerprints. */
  pins?: readonly string[];
  /** A known_hosts file the host must be listed in (hashed and `[host]:port` entries understood). */
  knownHostsFile?: string;
  /** When the host is not in `knownHostsFile` at all, accept its key and append it there. */
  trustOnFirstUse?: boolean;
}

/** One SSH server to log in to: the target, or the bastion in front of it. */
export interface SshEndpoint {
  host: string;
  /** Default 22. */
  port?: number;
  username: string;
  auth: SshAuthOptions;
  hostKey?: HostKeyPolicy;
}

/** A proxy the TCP connection to the target goes through. */
export interface SshProxyOptions {
  /** `socks5` (what Packer's ssh_proxy_* fields mean) or `http` (HTTP CONNECT). */
  type: 'socks5' | 'http';
  host: string;
  port: number;
  username?: string;
  password?: string;
}

/**
 * A port forward over the connection, parsed from Packer's `ssh_local_tunnels` /
 * `ssh_remote_tunnels` strings.
 */
export interface SshTunnel {
  /**
   * `local`: listen here, connect from the remote side (`ssh -L`);
   * `remote`: the server listens, connections come back here (`ssh -R`).
   */
  direction: 'local' | 'remote';
  listenHost: string;
  listenPort: number;
  forwardHost: string;
  forwardPort: number;
}

/** Everything the SSH communicator needs for one connection. */
export interface SshCommunicatorOptions extends SshEndpoint {
  /** A bastion (jump host) the connection is tunnelled through. */
  bastion?: SshEndpoint;
  /** A SOCKS5 or HTTP CONNECT proxy; not together with `bastion`. */
  proxy?: SshProxyOptions;
  /** Limit for one attempt's TCP connect, handshake and authentication. Default 60 s (Go's). */
  handshakeTimeoutMs?: number;
  /** Keep-alive request interval; ≤ 0 disables. Default 5 s (Packer's). */
  keepAliveIntervalMs?: number;
  /** Unanswered keep-alives before the connection is declared dead; 0 = never. Default 3. */
  keepAliveCountMax?: number;
  /** Drop the connection when nothing was received for this long; 0 = off (default). */
  readWriteTimeoutMs?: number;
  /** Request a pseudo-terminal for commands (stderr then arrives merged into stdout). */
  pty?: boolean;
  /** Default `scp`, as in Packer. */
  fileTransferMethod?: 'scp' | 'sftp';
  /**
   * Forward an ssh-agent to commands: true uses `$SSH_AUTH_SOCK` (skipped when unset), a
   * string names the socket. Default off; the config block turns it on like Packer does.
   */
  agentForwarding?: boolean | string;
  /** Cipher preference (ssh2 names); default ssh2's, AES-GCM first. */
  ciphers?: readonly string[];
  /** Key-exchange preference (ssh2 names). */
  kexAlgorithms?: readonly string[];
  tunnels?: readonly SshTunnel[];
  /** Receives ssh2's debug lines (handy to see keep-alives, auth steps, channel traffic). */
  debug?: (line: string) => void;
}

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 60_000;
export const DEFAULT_KEEP_ALIVE_INTERVAL_MS = 5_000;
export const DEFAULT_KEEP_ALIVE_COUNT_MAX = 3;
