import net from 'node:net';
import { ApiError } from './api-error.js';
import { formatAddress, parseAddress } from './address.js';
import { createPair } from './duplex-pair.js';
import type { EventLog } from './events.js';
import { HttpFront } from './http/http-front.js';
import { Link, type Endpoint } from './link.js';
import { ToxicCollection } from './toxic-collection.js';
import type { ToxicWrapper } from './toxic-wrapper.js';

/** The first bytes of an HTTP/1.x request. */
const REQUEST_LINE = /^[A-Z]+ \S+ HTTP\/1\.[01]\r\n/;

/** Shared by every proxy of one server: the seeded generators and the event log. */
export interface ProxyContext {
  /** The server's seed: keyed http_* decisions hash it with the request's identity (the `seed` attribute's default). */
  seed: number;
  /** Decides http_* selection of keyless requests by probability, in arrival order. */
  httpRandom: () => number;
  /** Toxicity rolls, jitter and slicing (kept apart so TCP traffic cannot shift HTTP decisions). */
  tcpRandom: () => number;
  events: EventLog;
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

/**
 * One named proxy: a listener, its upstream, its toxics and its live connections. A connection is a
 * byte pipe (Link) to the upstream; while the proxy has http_* toxics its upstream side is the HTTP
 * front instead, and live pipes switch over between two exchanges.
 */
export class Proxy {
  listen: string;
  upstream: string;
  enabled = false;
  readonly toxics: ToxicCollection;
  private server: net.Server | null = null;
  private readonly links = new Set<Link>();
  private readonly httpLinks = new WeakSet<Link>();
  private httpFront: HttpFront | null = null;

  constructor(
    readonly name: string,
    listen: string,
    upstream: string,
    private readonly context: ProxyContext,
  ) {
    this.listen = listen;
    this.upstream = upstream;
    this.toxics = new ToxicCollection({
      addToxic: (toxic) => this.toxicAdded(toxic),
      removeToxic: (toxic) => this.links.forEach((link) => link.removeToxic(toxic)),
    });
  }

  toJSON(): Record<string, unknown> {
    return { name: this.name, listen: this.listen, upstream: this.upstream, enabled: this.enabled, toxics: this.toxics.list() };
  }

  async start(): Promise<void> {
    if (this.enabled) return;
    const { host, port } = this.listen === '' ? { host: '', port: 0 } : parseAddress('listen', this.listen);
    // Half-open both ways: a client that sends its request and then FIN still gets the answer.
    const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (client) => this.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(this.listen || ':0', error)));
      // Go listens on 127.0.0.1 for "localhost"; Node might pick ::1, which IPv4 clients cannot reach.
      server.listen({ host: host === '' ? undefined : host === 'localhost' ? '127.0.0.1' : host, port }, () => resolve());
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
    for (const link of [...this.links]) link.destroy();
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
    const http = this.toxics.hasHttp();
    const link = new Link(client, http ? this.httpEndpoint(client) : this.tcpEndpoint(), this.toxics.list(), this.context.tcpRandom);
    if (http) this.httpLinks.add(link);
    this.links.add(link);
    client.once('close', () => this.links.delete(link));
  }

  private tcpEndpoint(): Endpoint {
    const { host, port } = parseAddress('upstream', this.upstream);
    const upstream = net.connect({ host, port, noDelay: true, allowHalfOpen: true });
    upstream.on('error', () => undefined);
    return upstream;
  }

  /** An in-memory connection into the HTTP front; resetting it resets the real client socket. */
  private httpEndpoint(client: net.Socket): Endpoint {
    this.httpFront ??= new HttpFront({
      name: this.name,
      upstream: () => this.upstream,
      httpToxics: () => this.toxics.list().filter((toxic) => toxic.definition.layer === 'http'),
      httpRandom: this.context.httpRandom,
      seed: this.context.seed,
      events: this.context.events,
    });
    const [linkEnd, frontEnd] = createPair();
    frontEnd.resetPeer = () => {
      try {
        client.resetAndDestroy();
      } catch {
        client.destroy();
      }
    };
    this.httpFront.attach(frontEnd);
    return linkEnd;
  }

  private toxicAdded(toxic: ToxicWrapper): void {
    for (const link of this.links) {
      link.addToxic(toxic);
      if (toxic.definition.layer === 'http' && !this.httpLinks.has(link)) this.switchToHttp(link);
    }
  }

  /**
   * Moves a live byte pipe onto the HTTP front between two exchanges: at once if it never carried
   * data, else when the client starts its next request. A client that waits for each answer before
   * sending the next request (every common client; not a pipelining one) has then received the
   * whole previous answer, so nothing is cut.
   */
  private switchToHttp(link: Link): void {
    this.httpLinks.add(link);
    const swap = (): void => {
      link.observer = null;
      if (this.toxics.hasHttp() && this.links.has(link)) link.replaceUpstream(this.httpEndpoint(link.client as net.Socket));
      else this.httpLinks.delete(link);
    };
    if (link.lastDelivered === null) return swap();
    link.observer = {
      beforeDelivery: (stream, data) => {
        if (stream === 'upstream' && REQUEST_LINE.test(data.toString('latin1', 0, Math.min(data.length, 256)))) swap();
      },
    };
  }
}
