import { randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { apiRoutes } from './api-routes.js';
import { createApiServer } from './api-server.js';
import { EventLog } from './events.js';
import { createRandom } from './prng.js';
import { ProxyCollection } from './proxy-collection.js';

export interface ProxyServerOptions {
  /** Address of the API; default 127.0.0.1. */
  host?: string;
  /** Port of the API; default 0 (a free port; read it from the result). */
  port?: number;
  /** Seeds every random choice (http_* probability, toxicity, jitter); default: a random seed. */
  seed?: number;
  /**
   * Serve only what a real Toxiproxy 2.12.0 serves: http_* toxics are refused as an unknown type
   * (400 `invalid toxic type`) and `GET /events` answers 404, so a chaos run sees the same
   * capabilities as against a real one. Default false.
   */
  tcpOnly?: boolean;
}

export interface ProxyServer {
  /** Base URL of the Toxiproxy-compatible API, e.g. http://127.0.0.1:8474. */
  url: string;
  port: number;
  /** The seed in use (the given one or the one chosen), to print and store with a run. */
  seed: number;
  /** True when started with `tcpOnly`. */
  tcpOnly: boolean;
  /** Stops every proxy (closing their connections) and the API. */
  close(): Promise<void>;
}

/** Starts the embedded Toxiproxy-compatible server (v2 API plus, unless `tcpOnly`, http_* toxics and `GET /events`). */
export async function startProxyServer(options: ProxyServerOptions = {}): Promise<ProxyServer> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? randomInt(0, 2 ** 31);
  const events = new EventLog();
  const proxies = new ProxyCollection({
    seed,
    httpRandom: createRandom(seed),
    tcpRandom: createRandom(seed ^ 0x5bd1e995),
    events,
  });
  const tcpOnly = options.tcpOnly ?? false;
  const server = createApiServer(apiRoutes(proxies, events, { tcpOnly }));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    seed,
    tcpOnly,
    close() {
      closing ??= (async () => {
        await proxies.closeAll();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closing;
    },
  };
}

export { TOXICS } from './toxics/index.js';
export type { FaultEvent } from './events.js';
