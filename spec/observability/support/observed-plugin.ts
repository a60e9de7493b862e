import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreBuilderClient } from '../../../rpc/core/component-clients.js';
import { parseHandshakeLine } from '../../../rpc/core/handshake-line.js';
import type { PluginConnection } from '../../../rpc/core/plugin-process.js';
import { MuxBroker } from '../../../rpc/broker/mux-broker.js';
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from '../../../rpc/plugin/constants.js';
import { YamuxSession } from '../../../rpc/yamux/index.js';
import { bundlePlugin, fixturePlugin } from '../../support/plugin-bundle.js';

/** A plugin process started as core starts it, with everything it writes recorded. */
export interface RecordedPlugin {
  readonly conn: PluginConnection;
  readonly builder: CoreBuilderClient;
  /** Every byte of stdout so far (the handshake line included). */
  stdout(): string;
  /** Every stderr line so far. */
  stderr(): string[];
  /** Module URLs the process loaded, when started with `recordLoads`. */
  loads(): string[];
  /** Resolves with the first stderr line (already written or yet to come) matching `pattern`. */
  waitForStderr(pattern: RegExp): Promise<string>;
}

const running: RecordedPlugin[] = [];
let scratch: string | undefined;

function workDir(): string {
  if (!scratch) {
    scratch = mkdtempSync(join(tmpdir(), 'pps-observed-'));
    const dir = scratch;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratch;
}

/** An ESM loader that appends the URL of every module it loads to $RECORD_LOADS. */
function loadRecorder(): string {
  const dir = workDir();
  const hooks = join(dir, 'record-loads-hooks.mjs');
  const entry = join(dir, 'record-loads.mjs');
  writeFileSync(
    hooks,
    "import { appendFileSync } from 'node:fs';\n" +
      'export async function load(url, context, next) {\n' +
      "  appendFileSync(process.env.RECORD_LOADS, url + '\\n');\n" +
      '  return next(url, context);\n' +
      '}\n',
  );
  writeFileSync(
    entry,
    `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`,
  );
  return entry;
}

/**
 * Starts the observed fixture plugin (or another fixture's `builder`) with `start builder
 * builder`, like core, keeping its whole stdout (the loopback helper hands core only the
 * first line, as core does).
 */
export async function startObserved(
  env: NodeJS.ProcessEnv = {},
  options: { recordLoads?: boolean; fixture?: string } = {},
): Promise<RecordedPlugin> {
  const bundle = await bundlePlugin(fixturePlugin(options.fixture ?? 'observed'));
  const loadsFile = join(mkdtempSync(join(workDir(), 'loads-')), 'loads.txt');
  writeFileSync(loadsFile, '');
  const nodeArgs = options.recordLoads ? ['--import', loadRecorder()] : [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, bundle, 'start', 'builder', 'builder'], {
    env: {
      ...process.env,
      PACKER_LOG: '',
      ...env,
      [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
      RECORD_LOADS: loadsFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const lines = (): string[] => err.split('\n').filter((l) => l !== '');
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
    for (const waiter of [...waiters]) {
      const line = lines().find((l) => waiter.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`plugin exited (${code}) before its handshake:\n${err}`)));
  });
  const handshake = parseHandshakeLine(line, 'modern');
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect(handshake.address);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
  const session = new YamuxSession(socket, { role: 'client' });
  const broker = new MuxBroker(session);
  const conn: PluginConnection = {
    child,
    handshake,
    session,
    broker,
    ctx: { broker, protobuf: false, log: () => undefined },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      session.destroy();
    },
  };
  const plugin: RecordedPlugin = {
    conn,
    builder: await CoreBuilderClient.connect(conn),
    stdout: () => out,
    stderr: lines,
    waitForStderr: (pattern) => {
      const line = lines().find((l) => pattern.test(l));
      return line !== undefined
        ? Promise.resolve(line)
        : new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
    loads: () =>
      readFileSync(loadsFile, 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
  };
  running.push(plugin);
  return plugin;
}

/** SIGKILLs every plugin started here (afterEach), as core ends plugins. */
export async function killObserved(): Promise<void> {
  await Promise.all(running.splice(0).map((p) => p.conn.kill()));
}
