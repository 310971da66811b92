import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookSpec } from '../config/profile-types.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { readField } from '../workload/request.js';
import { readEvent } from '../profile/event-kinds.js';
import { ReceiverBehaviour } from './receiver-rules.js';
import { verifySignature } from './signature.js';
import { promisedDelay, type RetrySlack } from '../checks/retry-timing.js';

/** Per-event delivery state, for "deliveries pending" and settling. */
interface EventState {
  attempts: number;
  lastTime: number;
  lastStatus: number;
  /** Retry-After the sink sent with its last answer: the provider may wait that long before the next attempt. */
  lastRetryAfterSeconds?: number;
}

export interface WebhookSink {
  url: string;
  /** The signing secret from the endpoint registration. */
  setSecret(secret: string | undefined): void;
  /** Receiver rules for the scenario now running (counters restart). */
  setBehaviour(behaviour: ReceiverBehaviour): void;
  /** Deliveries received so far. */
  readonly received: number;
  /** Events whose last attempt failed and that the policy still promises to retry. */
  pending(slack: RetrySlack): number;
  /** Files later deliveries about this payment under the scenario that created it (not the one running). */
  claim(resourceId: string, scenario: string): void;
  /** Payments deliveries named that no scenario claimed (no answer named them); each is returned once. */
  unclaimed(): string[];
  /** Whether any delivery about this payment has arrived. */
  seen(resourceId: string): boolean;
  /** Time (run-relative) of the latest delivery. */
  readonly lastDeliveryTime: number;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the callback receiver on 127.0.0.1:0: verifies signatures, answers per the scenario, records every delivery. */
export async function startWebhookSink(spec: WebhookSpec, recorder: HistoryRecorder): Promise<WebhookSink> {
  let secret: string | undefined;
  let behaviour = new ReceiverBehaviour();
  let received = 0;
  let lastDeliveryTime = 0;
  const events = new Map<string, EventState>();
  const owners = new Map<string, string>();
  const seenResources = new Set<string>();
  const reported = new Set<string>();
  const sockets = new Set<import('node:net').Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const time = recorder.now();
    const arrivedMs = Date.now();
    const body = await readBody(req);
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      payload = undefined;
    }
    const headerId = req.headers['webhook-id'];
    const eventId = String(readField(payload, spec.eventIdPath) ?? (Array.isArray(headerId) ? headerId[0] : headerId) ?? 'unknown');
    const { eventType, eventKind, resourceId, paymentStatus } = readEvent(spec, payload);
    const sig = verifySignature(spec.signature, secret, body, req.headers, arrivedMs);
    const answer = behaviour.answer(eventId, { eventType, eventKind });
    received++;
    lastDeliveryTime = time;
    const state = events.get(eventId) ?? { attempts: 0, lastTime: 0, lastStatus: 0 };
    events.set(eventId, { attempts: state.attempts + 1, lastTime: time, lastStatus: answer.status, lastRetryAfterSeconds: answer.retryAfterSeconds });
    if (typeof resourceId === 'string') seenResources.add(resourceId);
    const owner = typeof resourceId === 'string' ? owners.get(resourceId) : undefined;
    recorder.append({
      kind: 'delivery', time, eventId, ...(owner ? { scenario: owner } : {}),
      eventType, ...(eventKind ? { eventKind } : {}), resourceId,
      answeredStatus: answer.status, retryAfterSeconds: answer.retryAfterSeconds,
      ...(answer.delayMs ? { answerDelayMs: answer.delayMs } : {}),
      signatureValid: sig.valid, signatureAgeSeconds: sig.ageSeconds, signatureError: sig.error,
      paymentStatus,
    });
    if (answer.delayMs) await sleep(answer.delayMs);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (answer.retryAfterSeconds !== undefined) headers['retry-after'] = String(answer.retryAfterSeconds);
    res.writeHead(answer.status, headers).end(JSON.stringify({ received: answer.status < 300 }));
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const policy = spec.retryPolicy;

  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    setSecret: (s) => (secret = s),
    setBehaviour: (b) => (behaviour = b),
    claim: (resourceId, scenario) => void owners.set(resourceId, scenario),
    seen: (resourceId) => seenResources.has(resourceId),
    unclaimed: () => {
      const out = [...seenResources].filter((id) => !owners.has(id) && !reported.has(id));
      for (const id of out) reported.add(id);
      return out;
    },
    get received() {
      return received;
    },
    get lastDeliveryTime() {
      return lastDeliveryTime;
    },
    pending(slack) {
      const now = recorder.now();
      let count = 0;
      for (const s of events.values()) {
        const ok = s.lastStatus >= 200 && s.lastStatus < 300;
        if (ok || policy.stopOn.includes(s.lastStatus) || s.attempts >= policy.maxAttempts) continue;
        const { hi } = promisedDelay(policy, s.attempts, s.lastRetryAfterSeconds);
        if (now - s.lastTime <= hi + slack.lateSlackMs) count++;
      }
      return count;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
