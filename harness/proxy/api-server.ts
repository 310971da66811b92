import http from 'node:http';
import { ApiError, badBody } from './api-error.js';
import type { ApiReply, ApiRequest, Route } from './api-routes.js';

/** Bodies larger than this are refused: the API takes small JSON documents only. */
const MAX_BODY_BYTES = 1024 * 1024;

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern.replace(/:(\w+)/g, (_, name: string) => (names.push(name), '([^/]+)'));
  return { ...route, regex: new RegExp(`^${source}$`), names };
}

function send(response: http.ServerResponse, reply: ApiReply): void {
  if (reply.status === 204 || reply.body === undefined) {
    response.writeHead(reply.status).end();
    return;
  }
  const payload = JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    'Content-Type': reply.contentType ?? 'application/json',
    'Content-Length': Buffer.byteLength(payload),
  });
  response.end(payload);
}

/** Toxiproxy answers errors through Go's http.Error: text/plain, JSON body, trailing newline. */
function sendError(response: http.ServerResponse, error: ApiError): void {
  const payload = `${JSON.stringify({ error: error.message, status: error.status })}\n`;
  response.writeHead(error.status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(payload),
  });
  response.end(payload);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') throw badBody('EOF');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badBody(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The HTTP front of the API. Every mutation runs one at a time (Toxiproxy holds a lock too), so two
 * clients racing to create one proxy get one 201 and one 409. Nothing a client sends can crash it.
 */
export function createApiServer(routes: readonly Route[]): http.Server {
  const compiled = routes.map(compile);
  let queue: Promise<unknown> = Promise.resolve();

  const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://toxiproxy');
    const matching = compiled.filter((route) => route.regex.test(url.pathname));
    const route = matching.find((candidate) => candidate.method === request.method);
    if (!route) {
      if (matching.length > 0) response.writeHead(405).end();
      else response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }).end('404 page not found\n');
      request.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        sendError(response, badBody(`larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const match = route.regex.exec(url.pathname)!;
    let params: Record<string, string>;
    try {
      params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1])]));
    } catch {
      sendError(response, new ApiError('bad request: malformed percent-encoding in the path', 400));
      return;
    }
    const apiRequest: ApiRequest = { params, query: url.searchParams, json: () => parseJson(text) };
    const run = (): Promise<ApiReply> => Promise.resolve().then(() => route.handle(apiRequest));
    const result = request.method === 'GET' ? run() : (queue = queue.then(run, run));
    try {
      send(response, (await result) as ApiReply);
    } catch (error) {
      if (error instanceof ApiError) sendError(response, error);
      else sendError(response, new ApiError(error instanceof Error ? error.message : String(error), 500));
    }
  };

  return http.createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) sendError(response, new ApiError('internal error', 500));
      else response.destroy();
    });
  });
}
