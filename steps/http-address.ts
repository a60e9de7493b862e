import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import { abortReason } from '../engine/clock.js';
import { SdkError } from '../errors/index.js';

/**
 * Where the build's HTTP server listens and which address the guest is told to use.
 *
 * The guest address (`keys.httpIp`, `{{ .HTTPIP }}`) is chosen in this order:
 * 1. `http_callback_address`, when set (NAT, a cluster, a proxy in between);
 * 2. an address the builder already put in `keys.httpIp` (e.g. QEMU user networking's
 *    10.0.2.2, which only the builder knows);
 * 3. the IPv4 address of `http_interface` (the server then also binds to it);
 * 4. `http_bind_address` itself when it names one address;
 * 5. for a wildcard bind (0.0.0.0, ::): the IPv4 address of the interface carrying the
 *    default route (Linux routing table), else the first non-loopback IPv4 address, else
 *    127.0.0.1.
 */

export type InterfaceTable = NodeJS.Dict<os.NetworkInterfaceInfo[]>;

export interface HostNetwork {
  /** `os.networkInterfaces()` unless a spec passes a table. */
  readonly interfaces?: () => InterfaceTable;
  /** The text of `/proc/net/route` (undefined when unreadable, e.g. not Linux). */
  readonly routeTable?: () => Promise<string | undefined>;
}

/** True for 0.0.0.0, ::, and the empty string (all mean "every interface"). */
export function isWildcardAddress(address: string): boolean {
  return address === '' || address === '0.0.0.0' || address === '::' || address === '[::]';
}

/** The interface of the lowest-metric IPv4 default route in a `/proc/net/route` table. */
export function defaultRouteInterface(table: string): string | undefined {
  let best: { iface: string; metric: number } | undefined;
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [iface, destination, , flags, , , metric, mask] = f as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const up = (parseInt(flags, 16) & 0x1) !== 0;
    if (!up || destination !== '00000000' || mask !== '00000000') continue;
    const m = Number(metric);
    if (!best || m < best.metric) best = { iface, metric: m };
  }
  return best?.iface;
}

/** The first IPv4 address of `name`, or undefined when it has none (or does not exist). */
export function interfaceIpv4(table: InterfaceTable, name: string): string | undefined {
  return table[name]?.find((a) => a.family === 'IPv4')?.address;
}

/**
 * The address the server binds to: `http_interface`'s IPv4 address when one is named,
 * otherwise `http_bind_address`.
 * @throws SdkError `PKR_ERR_HTTP_INTERFACE` for an unknown interface or one without IPv4.
 */
export function bindAddressFor(
  bindAddress: string,
  interfaceName: string,
  network: HostNetwork = {},
): string {
  // "[::]" is how addresses are written in URLs; listen() wants the bare form.
  if (interfaceName === '') return bindAddress === '' ? '0.0.0.0' : bindAddress.replace(/^\[(.*)\]$/, '$1');
  const table = (network.interfaces ?? os.networkInterfaces)();
  const address = interfaceIpv4(table, interfaceName);
  if (!address) {
    const known = Object.keys(table).sort().join(', ');
    throw new SdkError(
      'PKR_ERR_HTTP_INTERFACE',
      table[interfaceName]
        ? `http_interface ${JSON.stringify(interfaceName)} has no IPv4 address`
        : `http_interface ${JSON.stringify(interfaceName)} does not exist (interfaces here: ${known})`,
      { details: { interface: interfaceName } },
    );
  }
  return address;
}

/** Applies rules 1 and 3–5 above (the caller handles the builder's own address, rule 2). */
export async function guestAddressFor(
  bound: string,
  callbackAddress: string,
  network: HostNetwork = {},
): Promise<string> {
  if (callbackAddress !== '') return callbackAddress;
  if (!isWildcardAddress(bound)) return bound;
  const table = (network.interfaces ?? os.networkInterfaces)();
  const routes = await (network.routeTable ?? readRouteTable)();
  const iface = routes === undefined ? undefined : defaultRouteInterface(routes);
  const viaRoute = iface === undefined ? undefined : interfaceIpv4(table, iface);
  if (viaRoute) return viaRoute;
  for (const addresses of Object.values(table)) {
    const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  return '127.0.0.1';
}

async function readRouteTable(): Promise<string | undefined> {
  return readFile('/proc/net/route', 'utf8').catch(() => undefined);
}

/**
 * Makes `server` listen on a port of `min..max` on `host`, starting at a random port of the
 * range (parallel builds then rarely collide) and trying each in turn, as Packer does.
 * @throws SdkError `PKR_ERR_HTTP_PORT` when every port is taken or the address is not local.
 */
export async function listenInRange(
  server: Server,
  options: { min: number; max: number; host: string; signal?: AbortSignal; random?: () => number },
): Promise<number> {
  const { min, max, host, signal } = options;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
    throw new SdkError(
      'PKR_ERR_HTTP_PORT',
      `http_port_min..http_port_max must be a range within 1..65535, got ${min}..${max}`,
    );
  }
  const span = max - min + 1;
  const first = Math.floor((options.random ?? Math.random)() * span);
  let lastError: unknown;
  for (let i = 0; i < span; i++) {
    if (signal?.aborted) throw abortReason(signal);
    const port = min + ((first + i) % span);
    const error = await tryListen(server, port, host);
    if (error === undefined) return port;
    lastError = error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES') {
      throw new SdkError('PKR_ERR_HTTP_PORT', `cannot listen on ${host}:${port}: ${error.message}`, {
        cause: error,
        details: { host, port },
      });
    }
  }
  throw new SdkError('PKR_ERR_HTTP_PORT', `no free port in ${min}..${max} on ${host}`, {
    cause: lastError,
    details: { host, min, max },
  });
}

function tryListen(server: Server, port: number, host: string): Promise<Error | undefined> {
  return new Promise((resolve) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      resolve(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(undefined);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, exclusive: true });
  });
}
