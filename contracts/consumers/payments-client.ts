/**
 * The HTTP client the example consumers (checkout-service, order-service) use to call the payments
 * API. The Pact consumer tests drive this real code against Pact's mock server, so the contract
 * records what the client actually sends, not a hand-written copy of it.
 */

export interface Payment {
  id: string;
  status: string;
  amount: number;
  currency: string;
  amount_captured: number;
  amount_refunded: number;
  reference: string;
  created_at: string;
}

export interface Refund {
  id: string;
  payment_id: string;
  amount: number;
  status: string;
  payment: Payment;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
}

/** What one call returned: the status, the parsed body and whether the API replayed a stored result. */
export interface ApiAnswer<T> {
  status: number;
  body: T;
  replayed: boolean;
  contentType: string;
}

export interface CreatePaymentInput {
  amount: number;
  currency: string;
  reference: string;
  capture: 'automatic' | 'manual';
}

export class PaymentsClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
  ) {}

  /** POST /v1/payments with the caller's idempotency key (the same key on every retry). */
  createPayment(input: CreatePaymentInput, idempotencyKey: string): Promise<ApiAnswer<Payment | Problem>> {
    return this.send('POST', '/v1/payments', input, idempotencyKey);
  }

  capturePayment(id: string, amount: number, idempotencyKey: string): Promise<ApiAnswer<Payment | Problem>> {
    return this.send('POST', `/v1/payments/${encodeURIComponent(id)}/capture`, { amount }, idempotencyKey);
  }

  refundPayment(id: string, amount: number, idempotencyKey: string): Promise<ApiAnswer<Refund | Problem>> {
    return this.send('POST', `/v1/payments/${encodeURIComponent(id)}/refunds`, { amount }, idempotencyKey);
  }

  cancelPayment(id: string, idempotencyKey: string): Promise<ApiAnswer<Payment | Problem>> {
    return this.send('POST', `/v1/payments/${encodeURIComponent(id)}/cancel`, {}, idempotencyKey);
  }

  getPayment(id: string): Promise<ApiAnswer<Payment | Problem>> {
    return this.send('GET', `/v1/payments/${encodeURIComponent(id)}`);
  }

  findByReference(reference: string): Promise<ApiAnswer<{ data: Payment[] } | Problem>> {
    return this.send('GET', `/v1/payments?reference=${encodeURIComponent(reference)}`);
  }

  private async send<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.apiKey}`, Accept: 'application/json' };
    if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return {
      status: response.status,
      body: (text === '' ? undefined : JSON.parse(text)) as T,
      replayed: response.headers.get('idempotent-replayed') === 'true',
      contentType: response.headers.get('content-type') ?? '',
    };
  }
}
