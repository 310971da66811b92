import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, createProxy, exchange, startFixture } from '../test-support/index.js';

/** A client that records what it receives and how its connection ended. */
function watchedClient(port: number): { socket: net.Socket; received: () => string; closed: Promise<'end' | 'reset'> } {
  const socket = net.connect({ host: '127.0.0.1', port });
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  const closed = new Promise<'end' | 'reset'>((resolve) => {
    socket.on('error', () => resolve('reset'));
    socket.on('end', () => resolve('end'));
    socket.on('close', () => resolve('end'));
  });
  return { socket, received: () => Buffer.concat(chunks).toString(), closed };
}

const pending = Symbol('pending');
const settledWithin = <T>(promise: Promise<T>, ms: number): Promise<T | typeof pending> =>
  Promise.race([promise, new Promise<typeof pending>((resolve) => setTimeout(() => resolve(pending), ms))]);

describe('timeout (Toxiproxy 2.12 semantics)', { timeout: 10_000 }, () => {
  let fx: Awaited<ReturnType<typeof startFixture>>;
  let port: number;
  beforeEach(async () => {
    fx = await startFixture();
    port = await createProxy(fx.server.url, 'to', fx.echo.address);
  });
  afterEach(() => fx.close());

  it('timeout 0 drops the data and keeps the connection open; removing it closes the connection, the data never arrives', async () => {
    await api(fx.server.url, 'POST', '/proxies/to/toxics', { name: 'hold', type: 'timeout', attributes: { timeout: 0 } });
    const client = watchedClient(port);
    client.socket.write('dropped');
    expect(await settledWithin(client.closed, 400)).toBe(pending);
    expect((await api(fx.server.url, 'DELETE', '/proxies/to/toxics/hold')).status).toBe(204);
    expect(await settledWithin(client.closed, 2_000)).toBe('end');
    expect(client.received()).toBe('');
  });

  it('timeout N closes the connection after N ms without passing data', async () => {
    await api(fx.server.url, 'POST', '/proxies/to/toxics', { type: 'timeout', attributes: { timeout: 150 } });
    const result = await exchange(port, 'lost', 2_000);
    expect(result.outcome).toBe('end');
    expect(result.data.length).toBe(0);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(145);
  });

  it('POST /reset removes it and so closes the connection; the dropped data stays lost', async () => {
    await api(fx.server.url, 'POST', '/proxies/to/toxics', { type: 'timeout', attributes: { timeout: 0 } });
    const client = watchedClient(port);
    client.socket.write('lost');
    expect(await settledWithin(client.closed, 200)).toBe(pending);
    expect((await api(fx.server.url, 'POST', '/reset')).status).toBe(204);
    expect(await settledWithin(client.closed, 2_000)).toBe('end');
    expect(client.received()).toBe('');
    expect((await api(fx.server.url, 'GET', '/proxies/to/toxics')).body).toEqual([]);
  });

  it('a half-close by the client closes the connection at once', async () => {
    await api(fx.server.url, 'POST', '/proxies/to/toxics', { type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } });
    const client = watchedClient(port);
    client.socket.end('request then FIN');
    expect(await settledWithin(client.closed, 1_000)).toBe('end');
    expect(client.received()).toBe('');
  });

  it('data sent after the toxic is removed flows on a new connection', async () => {
    await api(fx.server.url, 'POST', '/proxies/to/toxics', { name: 'gone', type: 'timeout', attributes: { timeout: 0 } });
    await api(fx.server.url, 'DELETE', '/proxies/to/toxics/gone');
    const result = await exchange(port, 'fine', 2_000, (data) => data.length >= 4);
    expect(result.data.toString()).toBe('fine');
  });
});
