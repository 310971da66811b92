import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import type { ApiProfile } from '../config/profile-types.js';
import type { PaymentOperation } from '../history/types.js';
import { buildRequest, readField, type RequestParams } from '../workload/request.js';
import { verifySignature } from '../webhooks/signature.js';
import { readEvent } from '../profile/event-kinds.js';
import { urlOnTarget } from '../safety.js';

/** A produced message: the payload plus its metadata (the delivery's headers). */
export interface ProducedMessage {
  metadata: Record<string, string>;
  payload: unknown;
}

interface Delivery {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: unknown;
  arrivedMs: number;
}

/** The API calls that make the provider emit each event type, through the profile's operations. */
const RECIPES: Record<string, Array<{ op: PaymentOperation; capture?: 'manual' | 'automatic'; amountShare?: number }>> = {
  'payment.created': [{ op: 'create', capture: 'manual' }],
  'payment.captured': [{ op: 'create', capture: 'manual' }, { op: 'capture', amountShare: 1 }],
  'payment.refunded': [{ op: 'create', capture: 'automatic' }, { op: 'refund', amountShare: 0.5 }],
  'payment.canceled': [{ op: 'create', capture: 'manual' }, { op: 'cancel' }],
};

export const PRODUCIBLE_EVENTS = Object.keys(RECIPES);

const HEADERS_AS_METADATA = ['content-type', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];

/**
 * Produces webhook messages for Pact message verification by making the real provider emit them:
 * it registers a webhook endpoint on a local receiver, drives a payment through the API until the
 * event fires, and hands the delivered body and Standard Webhooks headers to the verifier. So the
 * contract is checked against what the provider actually sends (signature included), not against
 * examples we wrote ourselves. The message description must name the event type (`payment.captured`).
 */
export class WebhookMessageProducer {
  private server?: http.Server;
  private secret?: string;
  private readonly deliveries: Delivery[] = [];
  private waiters: Array<() => void> = [];
  private sequence = 0;

  constructor(
    private readonly providerBaseUrl: string,
    private readonly profile: ApiProfile,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Called by the verifier for one message interaction; rejects (failing that interaction) when no event arrives. */
  async produce(description: string): Promise<ProducedMessage> {
    const eventType = /payment\.[a-z_]+/.exec(description)?.[0];
    const recipe = eventType ? RECIPES[eventType] : undefined;
    if (!eventType || !recipe) {
      throw new Error(`cannot produce "${description}": the description must name one of ${PRODUCIBLE_EVENTS.join(', ')}`);
    }
    await this.ensureEndpoint();
    const reference = `pact-msg-${process.pid}-${++this.sequence}`;
    let paymentId: string | undefined;
    let amount = 5000;
    for (const [index, step] of recipe.entries()) {
      const params: RequestParams = {
        id: paymentId,
        amount: step.amountShare === undefined ? amount : Math.max(1, Math.round(amount * step.amountShare)),
        currency: this.profile.currency,
        reference,
        captureMode: step.capture,
        idempotencyKey: `${reference}-${index}`,
      };
      const answer = await this.call(step.op, params);
      if (step.op === 'create') {
        paymentId = String(readField(answer, this.profile.fields.id));
        amount = Number(readField(answer, this.profile.fields.amount) ?? amount);
      }
    }
    const delivery = await this.waitFor((d) => {
      const event = readEvent(this.spec(), d.body);
      return event.eventType === eventType && event.resourceId === paymentId;
    });
    const signature = verifySignature(this.spec().signature, this.secret, delivery.raw, delivery.headers, delivery.arrivedMs);
    if (!signature.valid) throw new Error(`the ${eventType} delivery carries an invalid signature: ${signature.error ?? 'unknown reason'}`);
    const metadata: Record<string, string> = {};
    for (const name of HEADERS_AS_METADATA) {
      const value = delivery.headers[name];
      if (value !== undefined) metadata[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    // Pact compares `content-type` metadata by value; the bare media type is what consumers rely on.
    if (metadata['content-type']) metadata['content-type'] = metadata['content-type'].split(';')[0]!.trim();
    return { metadata, payload: delivery.body };
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private spec() {
    if (!this.profile.webhooks) throw new Error(`profile "${this.profile.name}" declares no webhooks, so no message can be produced`);
    return this.profile.webhooks;
  }

  private async ensureEndpoint(): Promise<void> {
    if (this.server) return;
    const spec = this.spec();
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
        this.deliveries.push({ headers: req.headers, raw, body, arrivedMs: Date.now() });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/pact-messages`;
    const registration = await this.call('registerWebhook', { url, events: spec.events, idempotencyKey: `pact-msg-endpoint-${process.pid}-${Date.now()}` });
    const secret = readField(registration, spec.secretPath);
    this.secret = typeof secret === 'string' ? secret : undefined;
  }

  private async call(op: PaymentOperation, params: RequestParams): Promise<unknown> {
    const built = buildRequest(this.profile, op, params);
    // Under the provider URL's own path (a base path such as /api/v2 is kept).
    const answer = await request(urlOnTarget(this.providerBaseUrl, built.path), {
      method: built.method as 'POST',
      headers: built.headers,
      body: built.body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await answer.body.text();
    if (answer.statusCode >= 300) throw new Error(`${built.method} ${built.path} answered ${answer.statusCode} while producing the event: ${text.slice(0, 200)}`);
    return text === '' ? undefined : JSON.parse(text);
  }

  private async waitFor(match: (d: Delivery) => boolean): Promise<Delivery> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const found = this.deliveries.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the provider sent no matching webhook within ${this.timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }
}
