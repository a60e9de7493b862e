import { Type, type Static } from '@sinclair/typebox';
import { Duration, Sensitive } from '../../config/schema.js';

/**
 * The communicator block of a builder's configuration, with Packer's field names
 * (`communicator`, `ssh_*`, `pause_before_connecting`, `temporary_key_pair_*`). Builders spread
 * {@link communicatorConfigProperties} into their own `Type.Object`, then hand the validated
 * values to `resolveCommunicatorConfig`. Fields marked "(SDK)" are ours, not Packer's.
 */
export const communicatorConfigProperties = {
  communicator: Type.String({
    default: 'ssh',
    description:
      'How to reach the machine: "ssh", "none" (no provisioning), or a type the builder adds ("local", "chroot"). "winrm" is not available in this SDK.',
  }),
  pause_before_connecting: Duration({
    default: '0s',
    description:
      'Once SSH answers, disconnect, wait this long, and connect again before provisioning (for guests that restart sshd while booting).',
  }),

  ssh_host: Type.String({
    default: '',
    description: 'The address to connect to. Usually set by the builder (the machine it created).',
  }),
  ssh_port: Type.Integer({ default: 22, minimum: 1, maximum: 65535, description: 'The SSH port.' }),
  ssh_username: Type.String({ default: '', description: 'The user to log in as. Required for SSH.' }),
  ssh_password: Sensitive(
    Type.String({
      default: '',
      description:
        'Password for password and keyboard-interactive authentication (every prompt is answered with it).',
    }),
  ),
  ssh_private_key_file: Type.String({
    default: '',
    description: 'Path of a private key (OpenSSH or PEM format) to authenticate with; `~` is expanded.',
  }),
  ssh_private_key_passphrase: Sensitive(
    Type.String({ default: '', description: '(SDK) Passphrase of an encrypted ssh_private_key_file.' }),
  ),
  ssh_keypair_name: Type.String({
    default: '',
    description:
      'Name of a key pair the builder registered on the machine; needs ssh_private_key_file or ssh_agent_auth.',
  }),
  ssh_agent_auth: Type.Boolean({
    default: false,
    description: 'Authenticate with the ssh-agent at SSH_AUTH_SOCK.',
  }),
  ssh_disable_agent_forwarding: Type.Boolean({
    default: false,
    description: 'Do not forward the local ssh-agent (SSH_AUTH_SOCK) to commands on the machine.',
  }),
  ssh_certificate_file: Type.String({
    default: '',
    description:
      'Not supported by this SDK: OpenSSH user certificates cannot be used (the ssh2 library lacks them).',
  }),
  ssh_pty: Type.Boolean({
    default: false,
    description: 'Request a pseudo-terminal for commands (their stderr then arrives merged into stdout).',
  }),
  ssh_file_transfer_method: Type.Union([Type.Literal('scp'), Type.Literal('sftp')], {
    default: 'scp',
    description:
      'How to transfer files: "scp" (an scp process on the machine) or "sftp" (the sftp subsystem).',
  }),
  ssh_ciphers: Type.Array(Type.String(), {
    default: [],
    description:
      'Cipher preference, e.g. ["aes128-gcm@openssh.com", "aes256-ctr"]. Empty: the library default (AES-GCM first).',
  }),
  ssh_key_exchange_algorithms: Type.Array(Type.String(), {
    default: [],
    description: 'Key-exchange preference, e.g. ["curve25519-sha256"]. Empty: the library default.',
  }),
  ssh_clear_authorized_keys: Type.Boolean({
    default: false,
    description:
      "Remove the build's temporary public key from ~/.ssh/authorized_keys and /root/.ssh/authorized_keys on cleanup.",
  }),

  ssh_timeout: Duration({
    default: '5m',
    description: 'How long to wait for SSH to become available. "0s" waits forever.',
  }),
  ssh_wait_timeout: Duration({
    default: '0s',
    description: 'Old name of ssh_timeout; used instead of it when set.',
    'x-deprecated': 'use ssh_timeout',
  }),
  ssh_handshake_attempts: Type.Integer({
    default: 10,
    minimum: 0,
    description:
      'Attempts in which a server answered but the handshake or login failed before giving up. 0: unlimited (until ssh_timeout).',
  }),
  ssh_handshake_timeout: Duration({
    default: '1m',
    description: '(SDK) Limit for one attempt: TCP connect, SSH handshake and login.',
  }),
  ssh_retry_delay: Duration({
    default: '2s',
    description: '(SDK) Pause between two connection attempts while waiting for SSH (Packer hard-codes 2s).',
  }),
  ssh_keep_alive_interval: Duration({
    default: '5s',
    description:
      'How often to send a keep-alive request. A negative value ("-1s") disables keep-alives; "0s" means the default.',
  }),
  ssh_keep_alive_count_max: Type.Integer({
    default: 3,
    minimum: 0,
    description:
      '(SDK) Unanswered keep-alives after which the connection is declared dead (running commands then report a disconnect). 0: never.',
  }),
  ssh_read_write_timeout: Duration({
    default: '0s',
    description:
      'Drop the connection when nothing was received for this long (e.g. a reboot that never closed it). "0s": off.',
  }),

  ssh_bastion_host: Type.String({ default: '', description: 'A bastion (jump) host to connect through.' }),
  ssh_bastion_port: Type.Integer({
    default: 22,
    minimum: 1,
    maximum: 65535,
    description: "The bastion's SSH port.",
  }),
  ssh_bastion_username: Type.String({ default: '', description: 'The user to log in to the bastion as.' }),
  ssh_bastion_password: Sensitive(Type.String({ default: '', description: 'Password for the bastion.' })),
  ssh_bastion_private_key_file: Type.String({
    default: '',
    description: 'Private key for the bastion. Defaults to ssh_private_key_file.',
  }),
  ssh_bastion_agent_auth: Type.Boolean({
    default: false,
    description: 'Authenticate to the bastion with the ssh-agent at SSH_AUTH_SOCK.',
  }),
  ssh_bastion_interactive: Type.Boolean({
    default: false,
    description:
      'Not supported by this SDK: a plugin has no terminal to ask keyboard-interactive questions on.',
  }),
  ssh_bastion_certificate_file: Type.String({
    default: '',
    description: 'Not supported by this SDK (no OpenSSH user certificates).',
  }),
  ssh_bastion_host_key: Type.String({
    default: '',
    description: "(SDK) The bastion's expected host key, in the same forms as ssh_host_key.",
  }),

  ssh_proxy_host: Type.String({
    default: '',
    description: 'A proxy to connect through (not with ssh_bastion_host).',
  }),
  ssh_proxy_port: Type.Integer({
    default: 1080,
    minimum: 1,
    maximum: 65535,
    description: "The proxy's port.",
  }),
  ssh_proxy_username: Type.String({ default: '', description: 'Username for the proxy, if it wants one.' }),
  ssh_proxy_password: Sensitive(Type.String({ default: '', description: 'Password for the proxy.' })),
  ssh_proxy_type: Type.Union([Type.Literal('socks5'), Type.Literal('http')], {
    default: 'socks5',
    description: '(SDK) "socks5" (what Packer supports) or "http" (HTTP CONNECT).',
  }),

  ssh_local_tunnels: Type.Array(Type.String(), {
    default: [],
    description:
      'Ports to listen on here and forward to the machine\'s side, "PORT:HOST:HOSTPORT" (like ssh -L).',
  }),
  ssh_remote_tunnels: Type.Array(Type.String(), {
    default: [],
    description:
      'Ports the machine listens on, forwarded back to this side, "PORT:HOST:HOSTPORT" (like ssh -R).',
  }),

  ssh_host_key: Type.String({
    default: '',
    description:
      '(SDK) The expected host key: an OpenSSH public key line ("ssh-ed25519 AAAA…") or a fingerprint ("SHA256:…"). Empty: no check unless ssh_known_hosts_file is set.',
  }),
  ssh_known_hosts_file: Type.String({
    default: '',
    description:
      '(SDK) A known_hosts file the host must be listed in (hashed entries and [host]:port understood).',
  }),
  ssh_known_hosts_trust_on_first_use: Type.Boolean({
    default: false,
    description:
      '(SDK) When the host is not in ssh_known_hosts_file at all, accept its key and record it there.',
  }),

  temporary_key_pair_name: Type.String({
    default: '',
    description:
      'Name (and key comment) of the temporary key pair a builder creates. Empty: packer_<random>.',
  }),
  temporary_key_pair_type: Type.Union([Type.Literal('rsa'), Type.Literal('ed25519'), Type.Literal('ecdsa')], {
    default: 'rsa',
    description: 'Type of the temporary key pair a builder creates ("dsa" is not offered: it is obsolete).',
  }),
  temporary_key_pair_bits: Type.Integer({
    default: 0,
    minimum: 0,
    description:
      'Size of the temporary key: rsa 2048–16384 (default 4096), ecdsa 256/384/521 (default 521); ignored for ed25519. 0: the default.',
  }),
};

/** The communicator block as a standalone schema (other keys are let through). */
export const CommunicatorConfigSchema = Type.Object(communicatorConfigProperties, {
  description: 'How Packer reaches the machine being built.',
});

/** The validated communicator block (defaults filled in). */
export type CommunicatorConfig = Static<typeof CommunicatorConfigSchema>;
