import { readFile } from 'node:fs/promises';

/** What was seen on a link, and how it was measured. */
export interface LinkUse {
  /** Bytes (Toxiproxy metrics) or live connections (local sockets) seen; 0 = not used. */
  seen: number;
  evidence: 'toxiproxy-metrics' | 'local-sockets';
}

/**
 * Bytes the provider sent into proxy `name`, from Toxiproxy's Prometheus `/metrics`
 * (`toxiproxy_proxy_received_bytes_total{direction="upstream",proxy="…"}`, served when toxiproxy-server
 * runs with `-proxy-metrics`); undefined when the server has no such series for it.
 */
async function metricsBytes(apiUrl: string, name: string): Promise<number | undefined> {
  const res = await fetch(`${apiUrl}/metrics`, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
  if (!res?.ok) {
    await res?.body?.cancel();
    return undefined;
  }
  const text = await res.text();
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('toxiproxy_proxy_received_bytes_total{') || !line.includes(`proxy="${name}"`)) continue;
    if (!line.includes('direction="upstream"')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|0\.0\.0\.0|\[::\])$/;

/**
 * Established connections accepted on `port` on this machine, from /proc/net/tcp and tcp6 (Linux):
 * the server side of each one has the port as its local port and state 01 (ESTABLISHED).
 * Undefined where /proc is not readable (not Linux).
 */
export async function establishedOnPort(port: number): Promise<number | undefined> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  let readable = false;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    readable = true;
    for (const line of text.split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (local?.endsWith(`:${hex}`) && state === '01') count++;
    }
  }
  return readable ? count : undefined;
}

/**
 * Whether the provider uses the link `name` listening on `listen`: Toxiproxy's byte counters when the
 * server publishes them, else the sockets accepted on the listen port when the link listens on this
 * machine. Undefined when neither can be read (a Toxiproxy elsewhere without -proxy-metrics).
 */
export async function linkUse(apiUrl: string, name: string, listen: string): Promise<LinkUse | undefined> {
  const bytes = await metricsBytes(apiUrl, name);
  if (bytes !== undefined) return { seen: bytes, evidence: 'toxiproxy-metrics' };
  const colon = listen.lastIndexOf(':');
  const host = listen.slice(0, colon);
  const apiHost = new URL(apiUrl).hostname;
  // The proxy's sockets are on this machine when the proxy server is (its API on loopback) and listens on loopback.
  if (!LOOPBACK.test(host) || !LOOPBACK.test(apiHost.includes(':') ? `[${apiHost.replace(/^\[|\]$/g, '')}]` : apiHost)) return undefined;
  const connections = await establishedOnPort(Number(listen.slice(colon + 1)));
  return connections === undefined ? undefined : { seen: connections, evidence: 'local-sockets' };
}
