import type { FastifyInstance, RawServerDefault } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { PROBLEM_CONTENT_TYPE } from '../problem.js';
import { toLegacyAnswer, toSandboxRequest, toSandboxUrl } from './shape.js';

/** The sandbox's shapes a server can speak. */
export const SANDBOX_FLAVOURS = ['standard', 'legacy'] as const;
export type SandboxFlavour = (typeof SANDBOX_FLAVOURS)[number];

/** Where a request no legacy route matches goes: the not-found handler (the sandbox's own paths do not exist here). */
const NOWHERE = '/legacy/no-such-route';

/**
 * Routes a legacy request to the sandbox's handler for it (Fastify's `rewriteUrl`, before routing):
 * `/api/charges/{id}/settle` is `/v1/payments/{id}/capture`. The sandbox's own paths are not served.
 */
export function legacyRewriteUrl(this: unknown, req: IncomingMessage): string {
  return toSandboxUrl(req.method ?? 'GET', req.url ?? '/') ?? NOWHERE;
}

/**
 * The request and answer translation of the legacy flavour, around the sandbox's unchanged handlers:
 * `X-Request-Id` is the idempotency key, bodies are translated on the way in (after parsing) and every
 * answer — stored idempotent replays included, translated the same way each time — on the way out.
 */
export function installLegacyShape(app: FastifyInstance<RawServerDefault>): void {
  app.addHook('onRequest', async (request) => {
    // The legacy service knows nothing of Idempotency-Key: only its own header counts.
    delete request.headers['idempotency-key'];
    const key = request.headers['x-request-id'];
    if (key !== undefined) request.headers['idempotency-key'] = key;
  });
  app.addHook('preValidation', async (request) => {
    if (request.method === 'POST') request.body = toSandboxRequest(request.url.split('?')[0] as string, request.body);
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    const replayed = reply.getHeader('idempotent-replayed');
    if (replayed !== undefined) {
      reply.removeHeader('idempotent-replayed');
      reply.header('x-idempotent-replay', replayed);
    }
    const type = String(reply.getHeader('content-type') ?? '');
    if (typeof payload !== 'string' || !/json/.test(type)) return payload;
    let body: unknown;
    try {
      body = JSON.parse(payload);
    } catch {
      return payload;
    }
    const problem = type.startsWith(PROBLEM_CONTENT_TYPE);
    if (problem) reply.type('application/json');
    return JSON.stringify(toLegacyAnswer(body, problem));
  });
}
