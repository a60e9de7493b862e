import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { SdkError } from '../errors/index.js';

/** The environment variables of the build-control service. */
export const CONTROL_ENV = 'PACKER_SDK_CONTROL';
export const CONTROL_TOKEN_ENV = 'PACKER_SDK_CONTROL_TOKEN';
export const CONTROL_BREAK_ENV = 'PACKER_SDK_CONTROL_BREAK';

export type ControlAddress =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly loopback: boolean };

/**
 * Reads a PACKER_SDK_CONTROL value: `tcp:HOST:PORT` (IPv6 hosts in brackets; port 0 picks a
 * free one) or a unix socket path, optionally written `unix:PATH`; a relative path is taken
 * from the current directory (Packer starts plugins in its own).
 */
export function parseControlAddress(value: string): ControlAddress {
  const text = value.trim();
  if (text.startsWith('tcp:')) {
    const rest = text.slice('tcp:'.length);
    const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(rest);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port > 65535) {
      throw new SdkError('PKR_ERR_CONTROL_ADDRESS', `${JSON.stringify(value)} is not tcp:HOST:PORT`, {
        details: { value },
      });
    }
    const host = match[1]!.replace(/^\[(.*)\]$/, '$1');
    return { kind: 'tcp', host, port, loopback: isLoopbackHost(host) };
  }
  const path = text.startsWith('unix:') ? text.slice('unix:'.length) : text;
  if (path === '' || path.includes('\0')) {
    throw new SdkError('PKR_ERR_CONTROL_ADDRESS', `${JSON.stringify(value)} is not a socket path`, {
      details: { value },
    });
  }
  return { kind: 'unix', path: resolve(path) };
}

/** localhost, 127.0.0.0/8 and ::1 (also as an IPv4-mapped address). */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) {
    const h = host.toLowerCase();
    return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  }
  return false;
}

/** The address as a gRPC target (client) or bind address (server). */
export function grpcTarget(address: ControlAddress): string {
  if (address.kind === 'unix') return `unix:${address.path}`;
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** The address as people write it (PACKER_SDK_CONTROL syntax). */
export function formatControlAddress(address: ControlAddress): string {
  if (address.kind === 'unix') return address.path;
  return `tcp:${isIP(address.host) === 6 ? `[${address.host}]` : address.host}:${address.port}`;
}
