import net from 'node:net';
import { ApiError } from './api-error.js';
import { formatAddress, parseAddress } from './address.js';
import type { EventLog } from './events.js';
import { HttpFront } from './http/http-front.js';
import { Link } from './link.js';
import { ToxicCollection, type ToxicListener } from './toxic-collection.js';

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
  private httpFront: HttpFront | null = null;

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
    this.httpFront?.close();
    this.httpFront = null;
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
    // A connection opened while the proxy has http_* toxics is parsed as HTTP for its whole life;
    // the others stay byte pipes (Toxiproxy's model, and the fast path).
    const connection: Connection = this.toxics.hasHttp() ? this.attachHttp(client) : this.attachTcp(client);
    this.connections.add(connection);
    client.once('close', () => this.connections.delete(connection));
  }

  private attachTcp(client: net.Socket): Connection {
    const { host, port } = parseAddress('upstream', this.upstream);
    const upstream = net.connect({ host, port, noDelay: true });
    upstream.on('error', () => undefined);
    return new Link(client, upstream, this.toxics.list(), this.context.tcpRandom, () => undefined);
  }

  private attachHttp(client: net.Socket): Connection {
    this.httpFront ??= new HttpFront({
      name: this.name,
      upstream: () => this.upstream,
      httpToxics: () => this.toxics.list().filter((toxic) => toxic.definition.layer === 'http'),
      httpRandom: this.context.httpRandom,
      events: this.context.events,
    });
    this.httpFront.attach(client);
    return { destroy: () => client.destroy(), addToxic: () => undefined, removeToxic: () => undefined };
  }
}
