import { afterEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Http1Request } from './http1-client.js';
import { Http1Pool } from './http1-pool.js';

const closers: (() => void)[] = [];
afterEach(() => {
  while (closers.length) closers.pop()!();
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function send(pool: Http1Pool, req: Partial<Http1Request> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let headers: Record<string, string> = {};
    pool.request(
      { method: 'GET', path: '/', headers: {}, ...req },
      {
        onHeaders: (s, h) => ((status = s), (headers = h)),
        onEnd: (body) => resolve({ status, headers, body: body.toString('utf8') }),
        onError: reject,
      },
    );
  });
}

async function httpServer(handle: http.RequestListener): Promise<{ origin: string; connections: () => number }> {
  let connections = 0;
  const server = http.createServer(handle);
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

/** A server speaking raw bytes, for framings Node's http server never produces. */
async function rawServer(reply: (socket: net.Socket, request: string) => void): Promise<string> {
  const server = net.createServer((socket) => {
    let text = '';
    socket.on('data', (d) => {
      text += d.toString('latin1');
      if (text.includes('\r\n\r\n')) {
        reply(socket, text);
        text = '';
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('HTTP/1.1 client of the load engine', () => {
  it('reuses one keep-alive connection for sequential requests and reads Content-Length bodies', async () => {
    const target = await httpServer((req, res) => res.end(JSON.stringify({ path: req.url, host: req.headers.host })));
    const pool = new Http1Pool(target.origin, 6, 5000);
    closers.push(() => pool.close());
    for (let i = 0; i < 3; i++) expect(JSON.parse((await send(pool, { path: `/p/${i}` })).body)).toEqual({ path: `/p/${i}`, host: new URL(target.origin).host });
    expect(target.connections()).toBe(1);
  });

  it('sends bodies with an exact UTF-8 Content-Length, and headers as given', async () => {
    const target = await httpServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => res.end(JSON.stringify({ body, length: req.headers['content-length'], key: req.headers['idempotency-key'] })));
    });
    const pool = new Http1Pool(target.origin, 1, 5000);
    closers.push(() => pool.close());
    const answer = await send(pool, { method: 'POST', body: '{"reference":"café"}', headers: { 'Idempotency-Key': 'k-1', 'content-type': 'application/json' } });
    expect(JSON.parse(answer.body)).toEqual({ body: '{"reference":"café"}', length: '21', key: 'k-1' });
  });

  it('reads chunked bodies, with trailers, split at every byte', async () => {
    const origin = await rawServer((socket) => {
      const answer = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nX-A: 2\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n';
      let i = 0;
      const drip = (): void => {
        if (i < answer.length) socket.write(answer[i++]!, () => setImmediate(drip));
      };
      drip();
    });
    const pool = new Http1Pool(origin, 1, 5000);
    closers.push(() => pool.close());
    const answer = await send(pool);
    expect(answer).toMatchObject({ status: 200, body: 'hello, world' });
    expect(answer.headers['x-a']).toBe('1, 2');
    expect((await send(pool)).body).toBe('hello, world'); // the connection is still usable
  });

  it('handles bodiless answers (204, HEAD), interim 100 and a body delimited by close', async () => {
    const origin = await rawServer((socket, request) => {
      if (request.startsWith('HEAD')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n');
      else if (request.includes('/no-content')) socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n');
      else socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close');
    });
    const pool = new Http1Pool(origin, 1, 5000);
    closers.push(() => pool.close());
    expect(await send(pool, { method: 'HEAD' })).toMatchObject({ status: 200, body: '' });
    expect(await send(pool, { path: '/no-content' })).toMatchObject({ status: 204, body: '' });
    expect(await send(pool)).toMatchObject({ status: 200, body: 'until close' });
    expect(await send(pool, { method: 'HEAD' })).toMatchObject({ status: 200 }); // a fresh connection after the close
  });

  it('fails a request whose connection is cut mid-answer, and recovers on a new connection', async () => {
    let n = 0;
    const origin = await rawServer((socket) => {
      if (n++ === 0) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const pool = new Http1Pool(origin, 1, 5000);
    closers.push(() => pool.close());
    await expect(send(pool)).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect((await send(pool)).body).toBe('ok');
  });

  it('never opens more than its maximum of connections; the rest wait their turn', async () => {
    let inFlight = 0;
    let peak = 0;
    const target = await httpServer((req, res) => {
      peak = Math.max(peak, ++inFlight);
      setTimeout(() => {
        inFlight--;
        res.end('ok');
      }, 30);
    });
    const pool = new Http1Pool(target.origin, 2, 5000);
    closers.push(() => pool.close());
    const answers = await Promise.all(Array.from({ length: 6 }, () => send(pool)));
    expect(answers.every((a) => a.body === 'ok')).toBe(true);
    expect(peak).toBe(2);
    expect(target.connections()).toBe(2);
  });

  it('times out, refuses header injection and reports a refused connection', async () => {
    const silent = await rawServer(() => undefined);
    const pool = new Http1Pool(silent, 1, 200);
    closers.push(() => pool.close());
    await expect(send(pool)).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT' });
    await expect(send(pool, { headers: { 'x-evil': 'a\r\nx-injected: 1' } })).rejects.toMatchObject({ code: 'ERR_INVALID_HEADER' });
    const free = net.createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const port = (free.address() as AddressInfo).port;
    await new Promise<void>((resolve) => free.close(() => resolve()));
    const refused = new Http1Pool(`http://127.0.0.1:${port}`, 1, 1000);
    await expect(send(refused)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
