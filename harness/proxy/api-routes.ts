import { ApiError, badBody, invalidToxicType, missingField, toxicNotFound } from './api-error.js';
import type { EventLog } from './events.js';
import { parseProxyInput, type ProxyCollection, type ProxyInput } from './proxy-collection.js';
import { toxicJson } from './toxic-wrapper.js';
import type { Proxy } from './proxy.js';
import { findToxic } from './toxics/index.js';

/** The Toxiproxy version whose API (paths, shapes, status codes) this server reproduces. */
export const TOXIPROXY_API_VERSION = '2.12.0';

/** What a handler answers; the server turns it into bytes (and errors into Toxiproxy's error shape). */
export interface ApiReply {
  status: number;
  /** Serialised as JSON; absent for 204. */
  body?: unknown;
  /** Default `application/json`. */
  contentType?: string;
}

export interface ApiRequest {
  /** Decoded path parameters (`:proxy`, `:toxic`). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body; reading it throws a 400 when it is empty or not JSON. */
  json(): unknown;
}

export interface Route {
  method: string;
  /** Path with `:name` parameters. */
  pattern: string;
  /** Called per matching request; throws ApiError for Toxiproxy-shaped errors. */
  handle(request: ApiRequest): Promise<ApiReply> | ApiReply;
}

const proxyJson = (proxy: Proxy): unknown => ({ ...proxy.toJSON(), toxics: proxy.toxics.list().map(toxicJson) });
const ok = (body: unknown, status = 200): ApiReply => ({ status, body });
const noContent: ApiReply = { status: 204 };

export interface ApiRouteOptions {
  /**
   * Behave as a real Toxiproxy 2.12.0 does for what it lacks: http_* toxic types are refused as an
   * unknown type is, and `GET /events` is not a route (404). Default false.
   */
  tcpOnly?: boolean;
}

/** Whether a toxic-creation body names one of the http_* types (which a real Toxiproxy does not know). */
function namesHttpToxic(body: unknown): boolean {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
  const type = (body as Record<string, unknown>).type;
  return typeof type === 'string' && findToxic(type)?.layer === 'http';
}

/**
 * Refuses an http_* toxic exactly as Toxiproxy refuses a type it does not know: the collection
 * runs every check it runs before the type (fields, stream, name) on the body with no type, so a
 * bad stream still answers its own error first, and the type check then answers `invalid toxic type`.
 */
function refuseAsUnknownType(proxy: Proxy, body: object): never {
  proxy.toxics.add({ ...body, type: null });
  throw invalidToxicType();
}

const eventsRoute = (events: EventLog): Route => ({
  method: 'GET',
  pattern: '/events',
  handle: ({ query }) => {
    const raw = query.get('since') ?? '0';
    if (!/^\d+$/.test(raw)) throw new ApiError(`since must be a non-negative integer, got ${JSON.stringify(raw)}`, 400);
    return ok(events.since(Number(raw)));
  },
});

/** Toxiproxy's v2 routes, plus (unless `tcpOnly`) `GET /events` for the decisions of http_* toxics. */
export function apiRoutes(proxies: ProxyCollection, events: EventLog, options: ApiRouteOptions = {}): Route[] {
  return [
    { method: 'GET', pattern: '/version', handle: () => ({ status: 200, body: { version: TOXIPROXY_API_VERSION }, contentType: 'application/json;charset=utf-8' }) },
    { method: 'POST', pattern: '/reset', handle: async () => (await proxies.reset(), noContent) },
    {
      method: 'GET',
      pattern: '/proxies',
      handle: () => ok(Object.fromEntries(proxies.all().map((proxy) => [proxy.name, proxyJson(proxy)]))),
    },
    {
      method: 'POST',
      pattern: '/proxies',
      handle: async (request) => {
        const input = parseProxyInput(request.json(), { listen: '', enabled: true }) as ProxyInput;
        return ok(proxyJson(await proxies.add(input)), 201);
      },
    },
    { method: 'POST', pattern: '/populate', handle: (request) => populate(proxies, request) },
    { method: 'GET', pattern: '/proxies/:proxy', handle: ({ params }) => ok(proxyJson(proxies.get(params.proxy))) },
    ...['POST', 'PATCH'].map((method) => ({
      method,
      pattern: '/proxies/:proxy',
      handle: async ({ params, json }: ApiRequest) => {
        const proxy = proxies.get(params.proxy);
        const current = { name: proxy.name, listen: proxy.listen, upstream: proxy.upstream, enabled: proxy.enabled };
        const input = parseProxyInput(json(), current) as ProxyInput;
        if (input.name !== proxy.name) throw badBody('name of an existing proxy cannot change (delete it and create a new one)');
        await proxy.update(input);
        return ok(proxyJson(proxy));
      },
    })),
    { method: 'DELETE', pattern: '/proxies/:proxy', handle: async ({ params }) => (await proxies.remove(params.proxy), noContent) },
    { method: 'GET', pattern: '/proxies/:proxy/toxics', handle: ({ params }) => ok(proxies.get(params.proxy).toxics.list().map(toxicJson)) },
    {
      method: 'POST',
      pattern: '/proxies/:proxy/toxics',
      handle: ({ params, json }) => {
        const proxy = proxies.get(params.proxy);
        const body = json();
        if (options.tcpOnly && namesHttpToxic(body)) refuseAsUnknownType(proxy, body as object);
        return ok(toxicJson(proxy.toxics.add(body)));
      },
    },
    {
      method: 'GET',
      pattern: '/proxies/:proxy/toxics/:toxic',
      handle: ({ params }) => {
        const toxic = proxies.get(params.proxy).toxics.find(params.toxic);
        if (!toxic) throw toxicNotFound();
        return ok(toxicJson(toxic));
      },
    },
    ...['POST', 'PATCH'].map((method) => ({
      method,
      pattern: '/proxies/:proxy/toxics/:toxic',
      handle: ({ params, json }: ApiRequest) => {
        const toxics = proxies.get(params.proxy).toxics;
        if (!toxics.find(params.toxic)) throw toxicNotFound();
        return ok(toxicJson(toxics.update(params.toxic, json())));
      },
    })),
    {
      method: 'DELETE',
      pattern: '/proxies/:proxy/toxics/:toxic',
      handle: ({ params }) => (proxies.get(params.proxy).toxics.remove(params.toxic), noContent),
    },
    // A real Toxiproxy has no such route: the server's catch-all answers 404 page not found.
    ...(options.tcpOnly ? [] : [eventsRoute(events)]),
  ];
}

/** Validates every entry before creating any (as Toxiproxy 2.x), answers `{proxies}` or the error plus `proxies`. */
async function populate(proxies: ProxyCollection, request: ApiRequest): Promise<ApiReply> {
  let inputs: ProxyInput[];
  try {
    const body = request.json();
    if (!Array.isArray(body)) throw badBody(`expected a JSON array of proxies, got ${body === null ? 'null' : typeof body === 'object' ? 'an object' : JSON.stringify(body)}`);
    inputs = body.map((entry, i) => {
      const where = ` at proxy ${i + 1}`;
      if (entry !== null && typeof entry === 'object' && !Array.isArray(entry) && !(entry as Record<string, unknown>).name) throw missingField(`name${where}`);
      return parseProxyInput(entry, { listen: '', enabled: true }, where) as ProxyInput;
    });
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, body: { error: error.message, status: error.status, proxies: null } };
    throw error;
  }
  const created: Proxy[] = [];
  for (const input of inputs) {
    try {
      created.push(await proxies.addOrReplace(input));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return { status: error.status, body: { error: error.message, status: error.status, proxies: created.map(proxyJson) } };
    }
  }
  return ok({ proxies: created.map(proxyJson) }, 201);
}
