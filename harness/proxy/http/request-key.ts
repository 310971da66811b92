import type { IncomingHttpHeaders } from 'node:http';

/**
 * Where an http_* toxic finds a request's key (an idempotency key, a webhook's event id): the
 * `key_header` header, else the body at `key_path`. The key identifies a request independently of
 * when it arrived, which is what lets decisions replay with any concurrency.
 */
export interface KeySource {
  /** Header name, case-insensitive. */
  header: string;
  /** `$.a.b[0].c` / `a.b` for JSON bodies; a form field name (`metadata[key]`) for form bodies. */
  path?: string;
  /** Stripped from the key's start before a decision is drawn (runs that prefix their keys share decisions). */
  prefix?: string;
}

/** The key as sent (recorded in events) and as decisions see it (prefix stripped). */
export interface RequestKey {
  raw: string;
  decisionKey: string;
}

/** `$.a.b[0]['c']` → ['a', 'b', '0', 'c'] (a leading `$` is optional); undefined when malformed. */
export function parseJsonPath(path: string): string[] | undefined {
  const text = path.startsWith('$') ? path.slice(1) : path;
  const pattern = /\.?([^.[\]'"]+)|\[(\d+)\]|\[['"]([^'"]*)['"]\]/y;
  const segments: string[] = [];
  let index = 0;
  while (index < text.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (!match) return undefined;
    segments.push(match[1] ?? match[2] ?? match[3]);
    index = pattern.lastIndex;
  }
  return segments.length > 0 ? segments : undefined;
}

/** `$.metadata.key` → `metadata[key]`: the same path written for a form body (Stripe-style nesting). */
function formFieldName(path: string): string {
  const segments = path.startsWith('$') ? parseJsonPath(path) : undefined;
  if (segments === undefined) return path;
  const [head, ...tail] = segments;
  return head + tail.map((segment) => `[${segment}]`).join('');
}

function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function fromJson(body: string, path: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const segments = parseJsonPath(path);
  if (segments === undefined) return undefined;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return scalar(value);
}

function fromForm(body: string, path: string): string | undefined {
  return new URLSearchParams(body).get(formFieldName(path)) ?? undefined;
}

/** The body's key at `path`, by content type (JSON or form); an unlabelled body is tried as JSON, then as a form. */
function keyFromBody(headers: IncomingHttpHeaders, body: Buffer, path: string): string | undefined {
  if (body.length === 0) return undefined;
  const type = String(headers['content-type'] ?? '').toLowerCase();
  const text = body.toString('utf8');
  if (type.includes('json')) return fromJson(text, path);
  if (type.includes('x-www-form-urlencoded')) return fromForm(text, path);
  return fromJson(text, path) ?? fromForm(text, path);
}

/** The request's key, or undefined for a keyless request (decided in arrival order). */
export function requestKey(headers: IncomingHttpHeaders, body: Buffer, source: KeySource): RequestKey | undefined {
  const header = headers[source.header.toLowerCase()];
  const raw = (Array.isArray(header) ? header[0] : header) ?? (source.path ? keyFromBody(headers, body, source.path) : undefined);
  if (raw === undefined || raw === '') return undefined;
  const prefix = source.prefix ?? '';
  return { raw, decisionKey: prefix !== '' && raw.startsWith(prefix) ? raw.slice(prefix.length) : raw };
}
