import { tryParseDuration, nsToMs } from '../../config/duration.js';
import type { ConfigProblem } from '../../config/problem.js';
import { validateAgainst } from '../../config/validate.js';
import { expandHome, loadPrivateKey } from '../ssh/auth.js';
import { parseHostKeyPin } from '../ssh/host-key.js';
import { KEY_PAIR_BITS, type KeyPairType } from '../ssh/key-pair.js';
import {
  DEFAULT_KEEP_ALIVE_INTERVAL_MS,
  type HostKeyPolicy,
  type PrivateKeySource,
  type SshCommunicatorOptions,
  type SshEndpoint,
  type SshTunnel,
} from '../ssh/options.js';
import { parseTunnel } from '../ssh/tunnels.js';
import { CommunicatorConfigSchema, type CommunicatorConfig } from './schema.js';

/** What the SSH side of a resolved config holds. */
export interface ResolvedSshConfig {
  type: 'ssh';
  pauseBeforeConnectingMs: number;
  /** `ssh_host`, or undefined when the builder supplies the host (state `keys.host`). */
  host: string | undefined;
  /** Everything for `connectSsh` but the host. */
  connect: Omit<SshCommunicatorOptions, 'host'>;
  /** Waiting and retrying: `ssh_timeout`, `ssh_handshake_attempts`, `ssh_retry_delay`. */
  wait: { timeoutMs: number; handshakeAttempts: number; retryDelayMs: number };
  /** False when no host key check is configured (StepConnect warns once). */
  hostKeyChecked: boolean;
  clearAuthorizedKeys: boolean;
  temporaryKeyPair: { name: string; type: KeyPairType; bits: number };
}

/** Any other communicator type: none, or one the builder handles (local, chroot, …). */
export interface ResolvedOtherConfig {
  type: string;
  pauseBeforeConnectingMs: number;
}

export type ResolvedCommunicatorConfig = ResolvedSshConfig | ResolvedOtherConfig;

/** True for the SSH variant. */
export function isSshConfig(config: ResolvedCommunicatorConfig): config is ResolvedSshConfig {
  return config.type === 'ssh' && 'connect' in config;
}

export interface ResolveCommunicatorOptions {
  /** Communicator types the builder handles itself, e.g. `['local', 'chroot']`. */
  customTypes?: readonly string[];
  /**
   * False when the builder authenticates with a temporary key pair it creates (put in
   * state as `keys.sshPrivateKey`), so no password, key file or agent is required.
   * Default true.
   */
  requireCredentials?: boolean;
  /** True when `ssh_host` must be set (the builder does not supply one). Default false. */
  requireHost?: boolean;
}

export type ResolveResult = { value: ResolvedCommunicatorConfig } | { problems: ConfigProblem[] };

/**
 * Validates the communicator block against {@link CommunicatorConfigSchema} (filling
 * defaults into a copy) and turns it into the options the communicators take: durations
 * parsed, key files read and parsed (with their passphrase), tunnels and host-key pins
 * checked. Every problem is reported at once, each with its field path.
 */
export async function resolveCommunicatorConfig(
  raw: unknown,
  options: ResolveCommunicatorOptions = {},
): Promise<ResolveResult> {
  const copy: unknown =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? structuredClone(raw) : raw;
  const problems: ConfigProblem[] = validateAgainst(CommunicatorConfigSchema, copy);
  if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) return { problems };
  const c = copy as CommunicatorConfig;
  const bad = new Set(problems.map((p) => p.path));
  const problem = (path: string, message: string): void => {
    problems.push({ path, message });
  };
  const duration = (field: keyof CommunicatorConfig, allowNegative = false): number => {
    const text = c[field];
    if (typeof text !== 'string' || bad.has(field)) return 0;
    const parsed = tryParseDuration(text);
    if (!parsed.ok) {
      problem(field, `${parsed.message} (write e.g. "30s", "5m" or "1h30m")`);
      return 0;
    }
    if (parsed.ns < 0n && !allowNegative) problem(field, `must not be negative, got ${JSON.stringify(text)}`);
    return nsToMs(parsed.ns);
  };

  const pauseBeforeConnectingMs = duration('pause_before_connecting');
  const type = typeof c.communicator === 'string' && c.communicator !== '' ? c.communicator : 'ssh';
  const custom = options.customTypes ?? [];
  if (type === 'winrm') {
    problem(
      'communicator',
      'WinRM is not available in this SDK; use "ssh" (Windows ships OpenSSH) or "none"',
    );
  } else if (type !== 'ssh' && type !== 'none' && !custom.includes(type)) {
    const valid = ['ssh', 'none', ...custom].map((t) => JSON.stringify(t)).join(', ');
    problem('communicator', `unknown communicator ${JSON.stringify(type)}; valid: ${valid}`);
  }
  if (type !== 'ssh')
    return problems.length > 0
      ? { problems: sorted(problems) }
      : { value: { type, pauseBeforeConnectingMs } };

  // --- ssh ------------------------------------------------------------------------------
  const waitTimeout = duration('ssh_wait_timeout');
  const timeoutMs = waitTimeout > 0 ? waitTimeout : duration('ssh_timeout');
  const handshakeTimeoutMs = duration('ssh_handshake_timeout');
  const retryDelayMs = duration('ssh_retry_delay');
  const keepAlive = duration('ssh_keep_alive_interval', true);
  const readWriteTimeoutMs = duration('ssh_read_write_timeout');

  if (!c.ssh_username) problem('ssh_username', 'is required for the SSH communicator');
  if (options.requireHost && !c.ssh_host) problem('ssh_host', 'is required');
  if (c.ssh_certificate_file) {
    problem(
      'ssh_certificate_file',
      'OpenSSH user certificates are not supported by this SDK; authenticate with the plain key',
    );
  }
  if (c.ssh_bastion_certificate_file) {
    problem('ssh_bastion_certificate_file', 'OpenSSH user certificates are not supported by this SDK');
  }
  if (c.ssh_bastion_interactive) {
    problem(
      'ssh_bastion_interactive',
      'is not supported: a plugin has no terminal to ask the questions on; use a password, key or agent',
    );
  }

  const privateKeys: PrivateKeySource[] = [];
  if (c.ssh_private_key_file) {
    const source: PrivateKeySource = {
      path: c.ssh_private_key_file,
      ...(c.ssh_private_key_passphrase ? { passphrase: c.ssh_private_key_passphrase } : {}),
    };
    if (await checkKey(source, 'ssh_private_key_file', problem)) privateKeys.push(source);
  } else if (c.ssh_private_key_passphrase) {
    problem('ssh_private_key_passphrase', 'is set but ssh_private_key_file is not');
  }
  const hasCredentials = Boolean(c.ssh_password) || Boolean(c.ssh_private_key_file) || c.ssh_agent_auth;
  if (!hasCredentials && (options.requireCredentials ?? true)) {
    problem('ssh_password', 'ssh_password or ssh_private_key_file or ssh_agent_auth is required');
  }
  if (c.ssh_keypair_name && !c.ssh_private_key_file && !c.ssh_agent_auth) {
    problem('ssh_keypair_name', 'needs ssh_private_key_file or ssh_agent_auth');
  }

  const hostKey = hostKeyPolicy(
    c.ssh_host_key,
    c.ssh_known_hosts_file,
    c.ssh_known_hosts_trust_on_first_use,
    'ssh_host_key',
    problem,
  );

  let bastion: SshEndpoint | undefined;
  if (c.ssh_bastion_host) {
    if (!c.ssh_bastion_username) problem('ssh_bastion_username', 'is required with ssh_bastion_host');
    const keyFile = c.ssh_bastion_private_key_file || c.ssh_private_key_file;
    if (!c.ssh_bastion_password && !keyFile && !c.ssh_bastion_agent_auth) {
      problem(
        'ssh_bastion_password',
        'ssh_bastion_password, ssh_bastion_private_key_file or ssh_bastion_agent_auth is required with ssh_bastion_host',
      );
    }
    const bastionKeys: PrivateKeySource[] = [];
    if (c.ssh_bastion_private_key_file) {
      const source = { path: c.ssh_bastion_private_key_file };
      if (await checkKey(source, 'ssh_bastion_private_key_file', problem)) bastionKeys.push(source);
    } else if (c.ssh_private_key_file) {
      bastionKeys.push(...privateKeys);
    }
    const bastionHostKey = hostKeyPolicy(
      c.ssh_bastion_host_key,
      c.ssh_known_hosts_file,
      c.ssh_known_hosts_trust_on_first_use,
      'ssh_bastion_host_key',
      problem,
    );
    bastion = {
      host: c.ssh_bastion_host,
      port: c.ssh_bastion_port,
      username: c.ssh_bastion_username,
      auth: {
        ...(c.ssh_bastion_password ? { password: c.ssh_bastion_password } : {}),
        privateKeys: bastionKeys,
        agent: c.ssh_bastion_agent_auth,
      },
      ...(bastionHostKey ? { hostKey: bastionHostKey } : {}),
    };
  }
  if (c.ssh_bastion_host && c.ssh_proxy_host) {
    problem('ssh_proxy_host', 'give either ssh_bastion_host or ssh_proxy_host, not both');
  }

  const tunnels: SshTunnel[] = [];
  const tunnelField = (
    field: 'ssh_local_tunnels' | 'ssh_remote_tunnels',
    direction: SshTunnel['direction'],
  ): void => {
    (Array.isArray(c[field]) ? c[field] : []).forEach((text, i) => {
      const t = parseTunnel(String(text), direction);
      if ('error' in t) problem(`${field}[${i}]`, `${JSON.stringify(text)}: ${t.error}`);
      else tunnels.push(t);
    });
  };
  tunnelField('ssh_local_tunnels', 'local');
  tunnelField('ssh_remote_tunnels', 'remote');

  const keyType = c.temporary_key_pair_type;
  const rules = KEY_PAIR_BITS[keyType];
  if (
    rules &&
    c.temporary_key_pair_bits > 0 &&
    keyType !== 'ed25519' &&
    !rules.valid(c.temporary_key_pair_bits)
  ) {
    problem(
      'temporary_key_pair_bits',
      `a ${keyType} key takes ${rules.rule} bits, got ${c.temporary_key_pair_bits}`,
    );
  }

  if (problems.length > 0) return { problems: sorted(problems) };
  const connect: Omit<SshCommunicatorOptions, 'host'> = {
    port: c.ssh_port,
    username: c.ssh_username,
    auth: {
      ...(c.ssh_password ? { password: c.ssh_password } : {}),
      privateKeys,
      agent: c.ssh_agent_auth,
    },
    ...(hostKey ? { hostKey } : {}),
    ...(bastion ? { bastion } : {}),
    ...(c.ssh_proxy_host
      ? {
          proxy: {
            type: c.ssh_proxy_type,
            host: c.ssh_proxy_host,
            port: c.ssh_proxy_port,
            ...(c.ssh_proxy_username ? { username: c.ssh_proxy_username } : {}),
            ...(c.ssh_proxy_password ? { password: c.ssh_proxy_password } : {}),
          },
        }
      : {}),
    handshakeTimeoutMs,
    // Packer: a negative interval disables keep-alives, zero means the default.
    keepAliveIntervalMs: keepAlive < 0 ? 0 : keepAlive === 0 ? DEFAULT_KEEP_ALIVE_INTERVAL_MS : keepAlive,
    keepAliveCountMax: c.ssh_keep_alive_count_max,
    readWriteTimeoutMs,
    pty: c.ssh_pty,
    fileTransferMethod: c.ssh_file_transfer_method,
    // Packer forwards the agent whenever SSH_AUTH_SOCK is set, unless told not to.
    agentForwarding: !c.ssh_disable_agent_forwarding,
    ...(c.ssh_ciphers.length > 0 ? { ciphers: c.ssh_ciphers } : {}),
    ...(c.ssh_key_exchange_algorithms.length > 0 ? { kexAlgorithms: c.ssh_key_exchange_algorithms } : {}),
    ...(tunnels.length > 0 ? { tunnels } : {}),
  };
  return {
    value: {
      type: 'ssh',
      pauseBeforeConnectingMs,
      host: c.ssh_host || undefined,
      connect,
      wait: { timeoutMs, handshakeAttempts: c.ssh_handshake_attempts, retryDelayMs },
      hostKeyChecked: hostKey !== undefined,
      clearAuthorizedKeys: c.ssh_clear_authorized_keys,
      temporaryKeyPair: { name: c.temporary_key_pair_name, type: keyType, bits: c.temporary_key_pair_bits },
    },
  };
}

async function checkKey(
  source: PrivateKeySource,
  field: string,
  problem: (path: string, message: string) => void,
): Promise<boolean> {
  try {
    await loadPrivateKey(source);
    return true;
  } catch (err) {
    problem(field, (err as Error).message);
    return false;
  }
}

function hostKeyPolicy(
  pin: string,
  knownHosts: string,
  tofu: boolean,
  pinField: string,
  problem: (path: string, message: string) => void,
): HostKeyPolicy | undefined {
  if (pin) {
    const parsed = parseHostKeyPin(pin);
    if ('error' in parsed) problem(pinField, parsed.error);
    if (knownHosts && pinField === 'ssh_host_key') {
      problem('ssh_known_hosts_file', 'give either ssh_host_key or ssh_known_hosts_file, not both');
    }
    return { pins: [pin] };
  }
  if (tofu && !knownHosts && pinField === 'ssh_host_key') {
    problem(
      'ssh_known_hosts_trust_on_first_use',
      'needs ssh_known_hosts_file (where first-seen keys are recorded)',
    );
  }
  if (knownHosts) return { knownHostsFile: expandHome(knownHosts), trustOnFirstUse: tofu };
  return undefined;
}

function sorted(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
