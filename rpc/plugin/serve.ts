import { writeSync } from 'node:fs';
import { describeError, SdkError } from '../../errors/index.js';
import { HCLDEC_ENV, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, type ComponentKind } from './constants.js';
import { detectCore } from './core-detect.js';
import { encodeDescription } from './describe.js';
import { chooseHandshake, formatHandshake } from './handshake.js';
import { invokedName, parseInvocation } from './invocation.js';
import { listen } from './listener.js';
import { packerLogVerbose, stderrLog, type PluginLog } from './log.js';
import type { PluginSet } from './plugin-set.js';

export interface ServeOptions {
  /** Arguments after the program (default: process.argv.slice(2)). */
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  log?: PluginLog;
  /** How long to wait for core to connect after the handshake (core itself waits 1 min). */
  connectTimeoutMs?: number;
}

/**
 * The plugin executable's entry point: answers `describe`, or starts the requested
 * component, prints the handshake line and serves Packer until it goes away. Only what the
 * handshake needs is loaded before the line is printed; the RPC stack and the component
 * itself load while core is already connecting.
 *
 * @example
 * // main.ts of a plugin
 * await serve(new PluginSet({ name: 'acme', version: '1.0.0' }).register('builder', 'vm', () => builder));
 */
export async function serve(set: PluginSet, options: ServeOptions = {}): Promise<void> {
  const env = options.env ?? process.env;
  // Until the session's logger takes over, a plain stderr writer at PACKER_LOG's level.
  let log = options.log ?? stderrLog(undefined, packerLogVerbose(env) ? 'debug' : 'info');
  const invocation = parseInvocation(options.args ?? process.argv.slice(2), invokedName(env));

  switch (invocation.mode) {
    case 'describe':
      writeSync(1, encodeDescription(set.describe()));
      return;
    case 'usage':
      fail(
        log,
        new SdkError(
          'PKR_ERR_PLUGIN_USAGE',
          `${invocation.problem}; usage: describe | start KIND NAME [--protobuf]`,
        ),
        1,
      );
      return;
    default:
      break;
  }

  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    fail(
      log,
      new SdkError(
        'PKR_ERR_PLUGIN_MANUAL_START',
        'Please do not execute plugins directly. Packer will execute these for you. (Run with "describe" to see what this plugin offers.)',
      ),
      1,
    );
    return;
  }

  const kind: ComponentKind = invocation.kind;
  let factory;
  try {
    factory = set.resolve(kind, invocation.name);
  } catch (err) {
    fail(log, err, 1);
    return;
  }

  const protobuf = invocation.mode === 'start' && invocation.protobuf;
  const listener = await listen(process.platform === 'win32' ? { tcpPortRange: portRange(env) } : {});
  const core = detectCore();
  // Packer blanks PACKER_LOG (and PACKER_LOG_PATH) for the process that starts plugins and
  // keeps or drops what they write to stderr itself, so under a real Packer we write debug
  // lines and let it decide; elsewhere (loopback tests, by hand) PACKER_LOG sets the level.
  const verbose = core.generation !== 'unknown' || packerLogVerbose(env);
  if (!options.log && verbose) log = stderrLog(undefined, 'debug');
  const choice = chooseHandshake(invocation, env, () => core);
  log('debug', `handshake: ${choice.flavor} (${choice.reason})`);
  writeSync(1, formatHandshake(choice.flavor, listener.network, listener.address));
  // From here on, stdout belongs to nobody: anything printed goes to stderr.
  process.stdout.write = ((...args: Parameters<typeof process.stderr.write>) =>
    process.stderr.write(...args)) as typeof process.stdout.write;
  ignoreSignals(log);

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    listener.close();
  }, options.connectTimeoutMs ?? 60_000);
  let connection;
  try {
    connection = await listener.accept();
  } catch (err) {
    // One coded line and exit 1, not an unhandled rejection's stack trace.
    fail(
      log,
      timedOut ? new SdkError('PKR_ERR_PLUGIN_LISTEN', 'Packer did not connect to the plugin in time') : err,
      1,
    );
    return;
  } finally {
    clearTimeout(timer);
  }

  const { runPluginSession } = await import('./session.js');
  await runPluginSession(connection, {
    kind,
    factory,
    protobuf,
    log,
    customLog: options.log !== undefined,
    verbose,
    env,
    hcldecPackage: env[HCLDEC_ENV] ?? core.hcldecPackage,
  });
}

/** Core cancels through RPC and ends plugins with SIGKILL; a terminal Ctrl-C reaching us must not kill us (§1.6). */
function ignoreSignals(log: PluginLog): void {
  let count = 0;
  const ignore = (): void => {
    count++;
    log('info', `Received interrupt signal (count: ${count}). Ignoring.`);
  };
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
}

function portRange(env: NodeJS.ProcessEnv): { min: number; max: number } {
  const min = Number.parseInt(env.PACKER_PLUGIN_MIN_PORT ?? '', 10);
  const max = Number.parseInt(env.PACKER_PLUGIN_MAX_PORT ?? '', 10);
  return Number.isFinite(min) && Number.isFinite(max) && min > 0 && max >= min
    ? { min, max }
    : { min: 10000, max: 25000 };
}

function fail(log: PluginLog, err: unknown, code: number): void {
  log('error', describeError(err));
  process.exitCode = code;
}
