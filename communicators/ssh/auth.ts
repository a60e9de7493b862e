import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware, ParsedKey } from 'ssh2';
import { SdkError } from '../../errors/index.js';
import type { KeyboardInteractivePrompt, PrivateKeySource, SshAuthOptions } from './options.js';

/** One method we will offer, with the label error messages use. */
interface PlannedMethod {
  label: string;
  /** The server-side method name it needs (`agent` is publickey to the server). */
  serverMethod: AuthenticationType;
  build(username: string): AnyAuthMethod;
}

/** Auth methods ready to offer: keys parsed, agent socket found. */
export interface PreparedAuth {
  readonly methods: readonly PlannedMethod[];
}

// The default import is the working one under ESM; give its parser its declared type.
const parseKey = ssh2.utils.parseKey as (
  data: Buffer | string,
  passphrase?: Buffer | string,
) => ParsedKey | Error;

/** Expands a leading `~` to the home directory, as Packer does for key paths. */
export function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/**
 * Reads and parses a private key, decrypting it with `passphrase` when it is encrypted.
 * @throws SdkError `PKR_ERR_SSH_KEY` naming the file and what is wrong.
 */
export async function loadPrivateKey(source: PrivateKeySource): Promise<{ key: ParsedKey; label: string }> {
  let data: string | Buffer;
  let label: string;
  if ('path' in source) {
    label = `key file ${source.path}`;
    try {
      data = await readFile(expandHome(source.path));
    } catch (err) {
      throw new SdkError('PKR_ERR_SSH_KEY', `cannot read the ${label}: ${(err as Error).message}`, {
        cause: err,
        details: { path: source.path },
      });
    }
  } else {
    data = source.key;
    label = source.label ?? 'inline key';
  }
  const key = parseKey(data, source.passphrase);
  if (key instanceof Error) {
    const reason = key.message;
    const encrypted = /encrypted|passphrase|decrypt/i.test(reason);
    throw new SdkError(
      'PKR_ERR_SSH_KEY',
      encrypted && source.passphrase === undefined
        ? `the ${label} is encrypted: give its passphrase`
        : encrypted
          ? `cannot decrypt the ${label}: wrong passphrase`
          : `cannot parse the ${label}: ${reason}`,
      { cause: key, details: { key: label } },
    );
  }
  if (!key.isPrivateKey()) {
    throw new SdkError('PKR_ERR_SSH_KEY', `the ${label} holds a public key, not a private key`, {
      details: { key: label },
    });
  }
  return { key, label };
}

/** The agent socket to use: the given path, or `$SSH_AUTH_SOCK` for `true`. */
export function agentSocket(agent: string | boolean | undefined): string | undefined {
  if (typeof agent === 'string') return agent;
  if (agent === true) return process.env.SSH_AUTH_SOCK || undefined;
  return undefined;
}

/**
 * Parses keys and locates the agent once, before any connection attempt, so a wrong
 * passphrase or a missing agent fails at once instead of after ssh_timeout.
 */
export async function prepareAuth(auth: SshAuthOptions): Promise<PreparedAuth> {
  const methods: PlannedMethod[] = [];
  if (auth.agent) {
    const socket = agentSocket(auth.agent);
    if (!socket) {
      throw new SdkError(
        'PKR_ERR_SSH_AGENT',
        'SSH agent authentication was requested, but SSH_AUTH_SOCK is not set',
      );
    }
    methods.push({
      label: `agent (${socket})`,
      serverMethod: 'publickey',
      build: (username) => ({ type: 'agent', username, agent: socket }),
    });
  }
  for (const source of auth.privateKeys ?? []) {
    const { key, label } = await loadPrivateKey(source);
    methods.push({
      label: `publickey (${label}, ${key.type})`,
      serverMethod: 'publickey',
      build: (username) => ({ type: 'publickey', username, key }),
    });
  }
  const password = auth.password;
  if (password !== undefined) {
    methods.push({
      label: 'password',
      serverMethod: 'password',
      build: (username) => ({ type: 'password', username, password }),
    });
  }
  const ki = auth.keyboardInteractive ?? password !== undefined;
  if (ki !== false) {
    const respond =
      typeof ki === 'function'
        ? ki
        : // Packer answers every prompt with the password (PasswordKeyboardInteractive).
          (prompts: readonly KeyboardInteractivePrompt[]) => prompts.map(() => password ?? '');
    methods.push({
      label: 'keyboard-interactive',
      serverMethod: 'keyboard-interactive',
      build: (username) => ({
        type: 'keyboard-interactive',
        username,
        prompt(name, instructions, _lang, prompts, finish) {
          Promise.resolve(
            respond(
              prompts.map((p) => ({ prompt: p.prompt, echo: p.echo ?? false })),
              { name, instructions },
            ),
          ).then(finish, () => finish([]));
        },
      }),
    });
  }
  return { methods };
}

/**
 * Drives ssh2's auth handler through the prepared methods, remembering what was tried and
 * what the server accepts, for the error message when all fail.
 */
export class AuthSession {
  readonly tried: string[] = [];
  /** Methods the server said it accepts (from its last failure answer). */
  serverMethods: readonly string[] = [];
  readonly #prepared: PreparedAuth;
  readonly #username: string;
  #next = 0;

  constructor(prepared: PreparedAuth, username: string) {
    this.#prepared = prepared;
    this.#username = username;
  }

  readonly handler: AuthHandlerMiddleware = (methodsLeft, _partial, next) => {
    if (Array.isArray(methodsLeft)) this.serverMethods = methodsLeft;
    while (this.#next < this.#prepared.methods.length) {
      const method = this.#prepared.methods[this.#next++]!;
      // Before the first answer we do not know what the server takes: offer everything.
      if (Array.isArray(methodsLeft) && !methodsLeft.includes(method.serverMethod)) continue;
      this.tried.push(method.label);
      next(method.build(this.#username));
      return;
    }
    next(false as unknown as AuthenticationType);
  };

  /** The coded error for "every method failed". */
  failure(host: string, port: number, cause?: unknown): SdkError {
    const tried = this.tried.length > 0 ? this.tried.join(', ') : 'no method (none was configured)';
    const accepts =
      this.serverMethods.length > 0 ? `; the server accepts ${this.serverMethods.join(', ')}` : '';
    return new SdkError(
      'PKR_ERR_SSH_AUTH',
      `SSH authentication failed for ${this.#username}@${host}:${port}: tried ${tried}${accepts}`,
      { cause, details: { host, port, username: this.#username, tried: [...this.tried] } },
    );
  }
}
