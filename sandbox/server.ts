import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { merchantFromAuthorization } from './auth.js';
import { PROBLEM_CONTENT_TYPE, ProblemError, problem } from './problem.js';
import { registerPaymentRoutes, type PaymentRouteOptions } from './routes/payments.js';
import { registerWebhookRoutes } from './routes/webhooks.js';
import { registerOpenApiRoute } from './routes/openapi.js';
import { installLegacyShape, legacyRewriteUrl, type SandboxFlavour } from './legacy/install.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The merchant of the request's API key; set by the auth hook on every `/v1/` route. */
    merchant: string;
    /** Set when the request's change queued webhook deliveries; the response hook wakes the dispatcher. */
    deliveriesQueued: boolean;
  }
}

/** Request bodies above this are answered 413: a payment request is a few hundred bytes. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Deeper JSON than this is refused: no payment request needs it, and recursion over it could overflow. */
const MAX_JSON_DEPTH = 32;

/** Nesting depth of a JSON text, counted without recursion (brackets inside strings do not count). */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') max = Math.max(max, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return max;
}

/** Routes anyone may call without an API key. */
const PUBLIC_ROUTES = new Set(['/v1/webhook_policy']);

export interface AppOptions extends PaymentRouteOptions {
  timeScale: number;
  /** Called after a request that queued webhook deliveries has committed and answered (wakes the dispatcher). */
  onChange(): void;
  /** One line per request, without headers (the API key never reaches it); undefined = silent. */
  log?: (line: string) => void;
  /** Extra routes (provider states) registered by the caller. */
  extraRoutes?: (app: FastifyInstance) => void;
  /** The API shape it speaks: the sandbox's own (default) or the legacy service's (sandbox/legacy/). */
  flavour?: SandboxFlavour;
}

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
};

export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES, logger: false, forceCloseConnections: true, return503OnClosing: true,
    ...(options.flavour === 'legacy' ? { rewriteUrl: legacyRewriteUrl } : {}),
    // Errors before routing (a URL that does not decode) get the same problem+json as the rest.
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      // frameworkErrors' reply is typed for schema-generic routes; ours has no schemas.
      void (reply as unknown as FastifyReply).code(status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem(status, 'invalid_request', error.message)));
    },
  });
  app.decorateRequest('merchant', '');
  app.decorateRequest('deliveriesQueued', false);

  // Our own JSON parser: an empty body is "no body" (POST …/cancel), a malformed one a 400 problem.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    if (text === '') return done(null, undefined);
    if (jsonDepth(text as string) > MAX_JSON_DEPTH) {
      return done(new ProblemError(400, 'malformed_json', `the body is nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    }
    try {
      done(null, JSON.parse(text as string));
    } catch {
      done(new ProblemError(400, 'malformed_json', 'the body is not valid JSON'), undefined);
    }
  });

  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0] as string;
    if (path.startsWith('/v1/') && !PUBLIC_ROUTES.has(path)) {
      request.merchant = merchantFromAuthorization(request.headers.authorization);
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.deliveriesQueued) options.onChange();
    options.log?.(`${request.method} ${request.url.split('?')[0]} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms`);
  });

  app.setErrorHandler((error: FastifyError | ProblemError, request, reply) => {
    let body;
    if (error instanceof ProblemError) body = error.toProblem();
    else {
      // PostgreSQL "data exception" (class 22): input the validators let through; still the client's.
      const dataException = typeof error.code === 'string' && /^22[0-9A-Z]{3}$/.test(error.code);
      const status = dataException ? 400 : (error.statusCode ?? 500);
      body = status >= 400 && status < 500
        ? problem(status, FASTIFY_CODES[error.code] ?? 'invalid_request', error.message)
        : problem(500, 'internal_error', 'the sandbox failed unexpectedly; see its log');
      if (status >= 500) options.log?.(`error on ${request.method} ${request.url.split('?')[0]}: ${error.stack ?? error.message}`);
    }
    return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  });
  app.setNotFoundHandler((request, reply) => {
    const body = problem(404, 'route_not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
    return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  });

  if (options.flavour === 'legacy') installLegacyShape(app);
  registerPaymentRoutes(app, options);
  registerWebhookRoutes(app, options);
  registerOpenApiRoute(app);
  options.extraRoutes?.(app);
  return app;
}
