import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from './index.js';
import { api, freePort } from './test-support/index.js';

/**
 * Replays the 47 requests recorded from a real Toxiproxy 2.12.0 against the embedded server and
 * compares status, content type and body. Ignored: `Logger` (an upstream quirk) and ports Toxiproxy
 * chose at random. Fixed ports of the recording are swapped for free ones.
 */
const TRANSCRIPT = new URL('./fixtures/toxiproxy-2.12.0-api.jsonl', import.meta.url);

interface Line {
  request: { method: string; path: string; body?: unknown };
  response: { status: number; contentType: string | null; body: unknown };
}

/**
 * Where we answer differently on purpose. Go's decode errors are reworded (same status, same
 * "bad request body: " prefix); nonsense Toxiproxy accepts (a negative latency, a misspelt
 * attribute) is a 400 here, so those toxics never appear in later listings.
 */
const REWORDED = new Set(['POST /proxies "not json"', 'POST /proxies/api/toxics strattr', 'POST /populate {"not":"an array"}']);
const REFUSED = new Set(['neg', 'unknownattr']);

function keyOf(line: Line): string {
  const body = line.request.body as { name?: string } | string | undefined;
  if (typeof body === 'string') return `${line.request.method} ${line.request.path} ${JSON.stringify(body)}`;
  if (body && !Array.isArray(body) && typeof body === 'object' && !('name' in body) && 'not' in body) {
    return `${line.request.method} ${line.request.path} ${JSON.stringify(body)}`;
  }
  return `${line.request.method} ${line.request.path} ${body && !Array.isArray(body) ? (body.name ?? '') : ''}`;
}

/** Drops `Logger`, refused toxics, and random listen ports (fixed ones stay). */
function normalize(value: unknown, fixedPorts: Set<string>): unknown {
  if (Array.isArray(value)) {
    return value.filter((v) => !(v && typeof v === 'object' && REFUSED.has((v as { name?: string }).name ?? ''))).map((v) => normalize(v, fixedPorts));
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'Logger') continue;
    if (key === 'listen' && typeof v === 'string') {
      const port = /:(\d+)$/.exec(v)?.[1] ?? '';
      out[key] = fixedPorts.has(port) ? v : v.replace(/:\d+$/, ':<random>');
      continue;
    }
    out[key] = normalize(v, fixedPorts);
  }
  return out;
}

const lines: Line[] = readFileSync(TRANSCRIPT, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as Line);

describe('Toxiproxy 2.12.0 transcript replay', () => {
  let server: ProxyServer;
  const ports = new Map<string, string>();

  beforeAll(async () => {
    server = await startProxyServer({ seed: 1 });
    ports.set('26001', String(await freePort()));
    ports.set('26002', String(await freePort()));
  });
  afterAll(() => server.close());

  it('has the 47 recorded requests', () => {
    expect(lines).toHaveLength(47);
  });

  it('answers every request as Toxiproxy 2.12.0 did (bar the documented deviations)', async () => {
    const swap = (text: string): string => text.replace(/\b(26001|26002)\b/g, (p) => ports.get(p)!);
    const fixed = new Set(ports.values());
    for (const [index, line] of lines.entries()) {
      const key = keyOf(line);
      const where = `line ${index + 1}: ${key}`;
      const body = line.request.body === undefined ? undefined : typeof line.request.body === 'string' ? line.request.body : swap(JSON.stringify(line.request.body));
      const actual = await api(server.url, line.request.method, line.request.path, body);
      const expected = JSON.parse(swap(JSON.stringify(line.response))) as Line['response'];
      const refusedName = (line.request.body as { name?: string } | undefined)?.name;
      if (line.request.path.endsWith('/toxics') && refusedName && REFUSED.has(refusedName)) {
        expect(actual.status, where).toBe(400);
        expect((actual.body as { error: string }).error, where).toMatch(/^bad request body: /);
        continue;
      }
      expect(actual.status, where).toBe(expected.status);
      expect(actual.contentType, where).toBe(expected.contentType);
      if (REWORDED.has(key)) {
        const { error, ...rest } = actual.body as { error: string };
        const { error: expectedError, ...expectedRest } = expected.body as { error: string };
        expect(error, where).toMatch(/^bad request body: /);
        expect(expectedError, where).toMatch(/^bad request body: /);
        expect(rest, where).toEqual(expectedRest);
        continue;
      }
      expect(normalize(actual.body, fixed), where).toEqual(normalize(expected.body, fixed));
      // Field order matters to people diffing JSON by eye; keep Toxiproxy's.
      if (actual.body && typeof actual.body === 'object' && !Array.isArray(actual.body) && expected.body && typeof expected.body === 'object') {
        const expectedKeys = Object.keys(expected.body).filter((k) => k !== 'Logger');
        expect(Object.keys(actual.body), where).toEqual(expectedKeys);
      }
    }
  });
});
