import type { AddressInfo } from 'node:net';
import { badBody } from './api-error.js';

export interface HostPort {
  /** Empty means every interface (Go's `:port`). */
  host: string;
  port: number;
}

/** Parses Toxiproxy's `host:port` / `[v6]:port` / `:port` addresses; bad ones are 400s, not crashes. */
export function parseAddress(field: string, value: string): HostPort {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) {
    throw badBody(`${field} must be HOST:PORT (e.g. 127.0.0.1:8080), got ${JSON.stringify(value)}`);
  }
  return { host: match[1] ?? match[2] ?? '', port };
}

/** How Go prints a listener address: `127.0.0.1:38375`, `[::]:40837`. */
export function formatAddress(address: AddressInfo): string {
  return address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
}
