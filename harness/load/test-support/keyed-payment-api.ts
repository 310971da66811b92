import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of the API: what a client sees, whichever way it called. */
export interface ApiAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Payment {
  id: string;
  amount: number;
  currency: string;
  reference: string;
  status: string;
  amount_captured: number;
  amount_refunded: number;
}

/**
 * A small payment API (the sandbox profile's paths) whose answers depend only on the requests,
 * never on their arrival order: a payment's id is derived from its reference, and a repeated
 * idempotency key gets the stored answer with `Idempotent-Replayed: true`. Two engines sending
 * the same seeded workload therefore see the same answers, so their histories can be compared.
 * `handle` serves in-process callers (a stand-in for k6's http module); `serve` the same logic on
 * a real socket.
 */
export class KeyedPaymentApi {
  private readonly byKey = new Map<string, ApiAnswer>();
  private readonly payments = new Map<string, Payment>();
  /** Creates that were executed (not replayed). */
  creates = 0;

  handle(method: string, path: string, body: string | null, headers: Readonly<Record<string, string>>): ApiAnswer {
    const key = Object.entries(headers).find(([name]) => name.toLowerCase() === 'idempotency-key')?.[1];
    const stored = key === undefined ? undefined : this.byKey.get(key);
    if (stored) return { ...stored, headers: { ...stored.headers, 'Idempotent-Replayed': 'true' } };
    const answer = this.execute(method, path, body ? (JSON.parse(body) as Record<string, unknown>) : {});
    if (key !== undefined) this.byKey.set(key, answer);
    return answer;
  }

  private execute(method: string, path: string, fields: Record<string, unknown>): ApiAnswer {
    const json = (status: number, value: unknown): ApiAnswer => ({ status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) });
    if (method === 'POST' && path === '/v1/payments') {
      this.creates++;
      const reference = String(fields.reference);
      const amount = Number(fields.amount);
      const manual = fields.capture === 'manual';
      const payment: Payment = {
        id: `pay_${reference}`,
        amount,
        currency: String(fields.currency),
        reference,
        status: manual ? 'requires_capture' : 'succeeded',
        amount_captured: manual ? 0 : amount,
        amount_refunded: 0,
      };
      this.payments.set(payment.id, payment);
      return json(201, payment);
    }
    const match = /^\/v1\/payments\/([^/]+)(\/capture|\/refunds)?$/.exec(path);
    const payment = match ? this.payments.get(decodeURIComponent(match[1]!)) : undefined;
    if (!match || !payment) return json(404, { error: { code: 'not_found' } });
    if (method === 'GET' && match[2] === undefined) return json(200, payment);
    if (method === 'POST' && match[2] === '/capture') {
      payment.status = 'succeeded';
      payment.amount_captured = Number(fields.amount ?? payment.amount);
      return json(200, payment);
    }
    if (method === 'POST' && match[2] === '/refunds') {
      const amount = Number(fields.amount);
      payment.amount_refunded += amount;
      payment.status = payment.amount_refunded >= payment.amount_captured ? 'refunded' : 'partially_refunded';
      return json(201, { id: `re_${payment.id}_${payment.amount_refunded}`, payment: payment.id, amount, status: 'succeeded' });
    }
    return json(405, { error: { code: 'method_not_allowed' } });
  }

  /** Serves this API on 127.0.0.1 (keep-alive, like a real one). */
  async serve(): Promise<{ url: string; close(): Promise<void> }> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
        const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : null;
        const answer = this.handle(req.method ?? 'GET', req.url ?? '/', body, headers);
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      });
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }
}
