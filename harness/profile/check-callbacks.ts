import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookSpec } from '../config/profile-types.js';
import { readField } from '../workload/request.js';
import { eventPaths, readEvent } from './event-kinds.js';
import { verifySignature, type SignatureResult } from '../webhooks/signature.js';
import { show, type CheckLine } from './check-report.js';

/** One callback as it arrived, with its signature verified against the registration's secret. */
export interface Callback {
  payload: unknown;
  signature: SignatureResult;
}

/**
 * A one-shot callback receiver on 127.0.0.1 for `profile check`: answers 200 to everything and keeps
 * the payloads, so every path of the profile's `webhooks` section can be shown against a real one
 * (the run's sink records only what it read, not what it could not).
 */
export interface CallbackReceiver {
  url: string;
  setSecret(secret: string | undefined): void;
  /** The first callback about one of `ids` (by `resourceIdPath`), or undefined after `timeoutMs`; also every callback seen. */
  waitFor(ids: ReadonlySet<string>, timeoutMs: number): Promise<{ match?: Callback; all: Callback[] }>;
  close(): Promise<void>;
}

export async function startCallbackReceiver(spec: WebhookSpec): Promise<CallbackReceiver> {
  let secret: string | undefined;
  const all: Callback[] = [];
  let wake: (() => void) | undefined;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let payload: unknown;
      try {
        payload = JSON.parse(body);
      } catch {
        payload = body;
      }
      all.push({ payload, signature: verifySignature(spec.signature, secret, body, req.headers as IncomingHttpHeaders) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      wake?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const about = (ids: ReadonlySet<string>): Callback | undefined => all.find((c) => {
    const id = readEvent(spec, c.payload).resourceId;
    return id !== undefined && ids.has(id);
  });
  return {
    url: `http://127.0.0.1:${port}/payharness-profile-check`,
    setSecret: (s) => (secret = s),
    async waitFor(ids, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!about(ids) && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(250, Math.max(0, deadline - Date.now())));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return { match: about(ids), all: [...all] };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Lines for the callback: each path of the webhooks section against the payload, and the signature. */
export function inspectCallback(spec: WebhookSpec, states: ReadonlySet<string>, found: { match?: Callback; all: Callback[] }, waitedMs: number): CheckLine[] {
  const op = 'callback';
  const { match, all } = found;
  if (!match) {
    // Callbacks arrived but none names our payments at resourceIdPath: that path is the likely culprit.
    const sample = all[0];
    if (sample) {
      return [{ op, what: 'resourceId', path: spec.resourceIdPath, value: show(readField(sample.payload, spec.resourceIdPath)), mark: 'missing',
        note: `${all.length} callback(s) arrived but none names a payment this check created there; first payload: ${show(sample.payload)}` }];
    }
    return [{ op, what: 'delivery', mark: 'missing', note: `no callback within ${waitedMs / 1000} s of the operations (is the endpoint registered for these events?)` }];
  }
  const lines: CheckLine[] = [];
  const path = (what: string, p: string | undefined, check?: (v: unknown) => string | undefined): void => {
    if (!p) return;
    const value = readField(match.payload, p);
    if (value === undefined || value === null || value === '') lines.push({ op, what, path: p, value: show(value), mark: 'missing' });
    else {
      const problem = check?.(value);
      lines.push({ op, what, path: p, value: show(value), mark: problem ? 'suspicious' : 'ok', ...(problem ? { note: problem } : {}) });
    }
  };
  path('eventId', spec.eventIdPath);
  path('eventType', spec.eventTypePath, (v) => (typeof v === 'string' ? undefined : 'not a string'));
  const own = eventPaths(spec, readEvent(spec, match.payload).eventType);
  path('resourceId', own.resourceIdPath);
  path('resourceStatus', own.resourceStatusPath, (v) => (typeof v === 'string' && states.has(v) ? undefined : 'not a lifecycle state'));
  const sig = match.signature;
  const scheme = typeof spec.signature === 'object' ? `hmac ${spec.signature.header}` : spec.signature;
  lines.push({ op, what: 'signature', value: scheme, mark: sig.valid ? 'ok' : 'suspicious', ...(sig.valid ? {} : { note: `does not verify: ${sig.error ?? 'no signature matches'}` }) });
  return lines;
}
