import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakePaymentApi {
  url: string;
  /** How many requests it has answered. */
  served(): number;
  close(): Promise<void>;
}

/** A minimal payment API on 127.0.0.1: every request is a create that succeeds with a fresh id. */
export async function startFakePaymentApi(): Promise<FakePaymentApi> {
  let served = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      served++;
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `pay_${served}`, status: 'succeeded', amount: 1000, currency: 'EUR' }));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served: () => served,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
