import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { newId } from '../ids.js';
import type { IdempotencyOptions } from '../idempotency.js';
import { parseWebhookEndpoint } from '../payments/validate.js';
import { EVENT_TYPES } from '../webhooks/events.js';
import { describePolicy } from '../webhooks/policy.js';
import { sendIdempotent } from './payments.js';

/** Endpoint registration (idempotent like every POST) and the published retry policy. */
export function registerWebhookRoutes(app: FastifyInstance, options: IdempotencyOptions & { timeScale: number }): void {
  app.post('/v1/webhook_endpoints', (request, reply) =>
    sendIdempotent(options, request, reply, () => {
      const input = parseWebhookEndpoint(request.body, EVENT_TYPES);
      return {
        async run(tx) {
          // Standard Webhooks secrets: `whsec_` and base64 of 24 random bytes.
          const endpoint = { id: newId('we'), url: input.url, events: input.events, secret: `whsec_${randomBytes(24).toString('base64')}` };
          await tx.query('INSERT INTO webhook_endpoints (id, merchant, url, events, secret, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)', [
            endpoint.id, request.merchant, endpoint.url, JSON.stringify(endpoint.events), endpoint.secret, Date.now(),
          ]);
          return { status: 201, body: endpoint, resourceId: endpoint.id };
        },
      };
    }));

  app.get('/v1/webhook_policy', async () => describePolicy(options.timeScale));
}
