/** Helpers for the proxy's tests (real sockets on 127.0.0.1, port 0). Not part of the library. */
import http from 'node:http';
import net from 'node:net';
import { startProxyServer, type ProxyServer } from '../index.js';

export interface ApiAnswer {
  status: number;
  contentType: string | null;
  text: string;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  body: unknown;
}

/** One request to a Toxiproxy API; a string body is sent as is, anything else as JSON. */
export async function api(baseUrl: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const response = await fetch(baseUrl + path, {
    method,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? '' : (JSON.parse(text) as unknown);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, body: parsed };
}

/** A port that was free a moment ago (for transcript lines that name fixed ports). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface Upstream {
  address: string;
  port: number;
  close(): Promise<void>;
}

async function listen(server: net.Server): Promise<Upstream> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        if (server instanceof http.Server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A TCP server that echoes every byte back; optionally answers each connection with `greeting` first. */
export function startEchoServer(greeting?: Buffer): Promise<Upstream> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (greeting) socket.write(greeting);
    socket.pipe(socket);
  });
  const closeSockets = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    for (const socket of sockets) socket.destroy();
    return closeSockets(cb);
  }) as typeof server.close;
  return listen(server);
}

/** An HTTP server answering every request with the handler (default: `ok <method> <url>`). */
export function startHttpServer(handler?: http.RequestListener): Promise<Upstream> {
  return listen(
    http.createServer(
      handler ??
        ((request, response) => {
          request.resume();
          request.on('end', () => response.end(`ok ${request.method} ${request.url}`));
        }),
    ),
  );
}

/** What a raw client saw on one connection. */
export interface Exchange {
  data: Buffer;
  /** How the connection ended: `end` (FIN), `reset` (ECONNRESET), `open` (still open at the deadline). */
  outcome: 'end' | 'reset' | 'error' | 'open';
  elapsedMs: number;
}

/** Connects to `port`, writes `payload`, and collects what comes back until close or `deadlineMs`. */
export function exchange(port: number, payload: Buffer | string, deadlineMs = 2_000, until?: (data: Buffer) => boolean): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: '127.0.0.1', port });
    let settled = false;
    const finish = (outcome: Exchange['outcome']): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), outcome, elapsedMs: performance.now() - started });
    };
    const timer = setTimeout(() => finish('open'), deadlineMs);
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (until?.(Buffer.concat(chunks))) finish('end');
    });
    socket.on('end', () => finish('end'));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code === 'ECONNRESET' ? 'reset' : 'error'));
    socket.on('close', () => finish('end'));
  });
}

/** An embedded server plus an echo upstream, torn down together. */
export async function startFixture(seed = 1): Promise<{ server: ProxyServer; echo: Upstream; close(): Promise<void> }> {
  const server = await startProxyServer({ seed });
  const echo = await startEchoServer();
  return {
    server,
    echo,
    close: async () => {
      await server.close();
      await echo.close();
    },
  };
}

/** Creates a proxy to `upstream` and returns its listen port. */
export async function createProxy(baseUrl: string, name: string, upstream: string): Promise<number> {
  const answer = await api(baseUrl, 'POST', '/proxies', { name, listen: '127.0.0.1:0', upstream });
  if (answer.status !== 201) throw new Error(`creating proxy ${name}: ${answer.status} ${answer.text}`);
  return Number(/:(\d+)$/.exec((answer.body as { listen: string }).listen)![1]);
}
