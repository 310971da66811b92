import net from 'node:net';
import { ApiError } from './api-error.js';
import { formatAddress, parseAddress } from './address.js';
import type { EventLog } from './events.js';
import { HttpConnection } from './http/http-connection.js';
import { Link } from './link.js';
import { ToxicCollection, type ToxicListener } from './toxic-collection.js';
import type { ToxicWrapper } from './toxic-wrapper.js';

/** Shared by every proxy of one server: the seeded generators and the event log. */
export interface ProxyContext {
  /** Decides http_* selection by probability: one stream so a seed replays the same decisions. */
  httpRandom: () => number;
  /** Toxicity rolls, jitter and slicing (kept apart so TCP traffic cannot shift HTTP decisions). */
  tcpRandom: () => number;
  events: EventLog;
}

interface Connection extends ToxicListener {
  destroy(): void;
}

/** Node's listen errors, worded as Go's net.Listen words them (what Toxiproxy answers with a 500). */
function listenError(address: string, error: NodeJS.ErrnoException): ApiError {
  const reason =
    error.code === 'EADDRINUSE' ? 'bind: address already in use'
    : error.code === 'EADDRNOTAVAIL' ? 'bind: cannot assign requested address'
    : error.code === 'EACCES' ? 'bind: permission denied'
    : error.message;
  return new ApiError(`listen tcp ${address}: ${reason}`, 500);
}

/** One named proxy: a listener, its upstream, its toxics and its live connections. */
export class Proxy {
  listen: string;
  upstream: string;
  enabled = false;
  readonly toxics: ToxicCollection;
  private server: net.Server | null = null;
  private readonly connections = new Set<Connection>();

  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    private readonly context: ProxyContext,
  ) {
    this.listen = listen;
    this.upstream = upstream;
    this.toxics = new ToxicCollection(() => this.connections);
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, listen: this.listen, upstream: this.upstream, enabled: this.enabled, toxics: this.toxics.list() };
  }

  async start(): Promise<void> {
    if (this.enabled) return;
    const { host, port } = this.listen === '' ? { host: '', port: 0 } : parseAddress('listen', this.listen);
    const server = net.createServer({ noDelay: true }, (client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(this.listen || ':0', error)));
      server.listen({ host: host === '' ? undefined : host, port }, () => resolve());
    });
    server.on('error', () => undefined);
    this.server = server;
    this.listen = formatAddress(server.address() as net.AddressInfo);
    this.enabled = true;
  }

  /** "Down": stop listening (new connections are refused) and close every live connection. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.enabled = false;
    for (const connection of [...this.connections]) connection.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Toxiproxy's Update: a new listen or upstream restarts the proxy; `enabled` starts or stops it. */
  async update(input: { listen: string; upstream: string; enabled: boolean }): Promise<void> {
    if (input.listen !== this.listen || input.upstream !== this.upstream) {
      await this.stop();
      this.listen = input.listen;
      this.upstream = input.upstream;
    }
    if (input.enabled !== this.enabled) {
      if (input.enabled) await this.start();
      else await this.stop();
    }
  }

  private accept(client: net.Socket): void {
    client.on('error', () => undefined);
    if (!this.enabled) {
      client.destroy();
      return;
    }
    const { host, port } = parseAddress('upstream', this.upstream);
    const upstream = net.connect({ host, port, noDelay: true });
    upstream.on('error', () => undefined);
    const toxics: ToxicWrapper[] = this.toxics.list();
    let connection: Connection;
    const onClosed = (): void => {
      this.connections.delete(connection);
    };
    if (this.toxics.hasHttp()) {
      connection = new HttpConnection(this.name, client, upstream, toxics, this.context, onClosed);
    } else {
      connection = new Link(client, upstream, toxics, this.context.tcpRandom, onClosed);
    }
    this.connections.add(connection);
  }
}
