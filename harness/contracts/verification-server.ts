import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

/** A provider-state change that did not work, kept so the report can say which and why. */
export interface StateFailure {
  state: string;
  action: string;
  reason: string;
}

/** Produces the message a message interaction describes (payload and metadata), or throws. */
export type MessageProducer = (description: string) => Promise<{ metadata: Record<string, string>; payload: unknown }>;

export interface VerificationServer {
  /** Give this to the verifier as `providerStatesSetupUrl`. */
  stateUrl: string;
  /** Port and path of the `message` transport the verifier sends message interactions to. */
  messageTransport: { port: number; path: string };
  stateFailures: StateFailure[];
  /** Why a message could not be produced, by description. */
  messageFailures: Map<string, string>;
  close(): Promise<void>;
}

const MESSAGE_PATH = '/_messages';

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * The harness side of a verification, one local server with two jobs:
 * - relays provider-state changes to the provider's state endpoint. pact-js's own state handlers
 *   answer 200 even when a handler throws, so the interaction runs against the wrong state and may
 *   pass. Here any failure (unknown state, provider error, no state endpoint) answers 400, which
 *   makes the Pact verifier fail that interaction, and the reason is kept for our report;
 * - serves the `message` transport: the verifier posts a message interaction's description and
 *   we answer with the produced payload and its metadata (header `Pact-Message-Metadata`, base64 JSON).
 */
export async function startVerificationServer(stateEndpoint: string | undefined, produce: MessageProducer, headers: Record<string, string> = {}): Promise<VerificationServer> {
  const failures: StateFailure[] = [];
  const messageFailures = new Map<string, string>();

  const message = async (raw: string, res: http.ServerResponse): Promise<void> => {
    let description = '';
    try {
      description = (JSON.parse(raw) as { description?: string }).description ?? '';
      const produced = await produce(description);
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'pact-message-metadata': Buffer.from(JSON.stringify(produced.metadata)).toString('base64'),
      });
      res.end(JSON.stringify(produced.payload));
    } catch (error) {
      messageFailures.set(description, (error as Error).message);
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message }));
    }
  };
  const fail = (res: http.ServerResponse, failure: StateFailure) => {
    failures.push(failure);
    // 400, not 5xx: the verifier retries 5xx state changes with back-off, which only delays the same failure.
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: failure.reason }));
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      if (req.url?.startsWith(MESSAGE_PATH)) return message(raw, res);
      let change: { state?: string; action?: string; params?: unknown };
      try {
        change = JSON.parse(raw) as typeof change;
      } catch {
        return fail(res, { state: '?', action: '?', reason: 'the verifier sent a state change that is not JSON' });
      }
      const state = change.state ?? '';
      const action = change.action ?? 'setup';
      // The verifier also calls for interactions without a state (messages); there is nothing to set up.
      if (state === '') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      if (!stateEndpoint) {
        return fail(res, { state, action, reason: 'the provider declares no provider-state endpoint (profile providerStatesPath)' });
      }
      try {
        const answer = await request(stateEndpoint, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: raw,
          signal: AbortSignal.timeout(10_000),
        });
        const text = await answer.body.text();
        if (answer.statusCode < 200 || answer.statusCode >= 300) {
          let detail = text.slice(0, 300);
          try {
            const problem = JSON.parse(text) as { detail?: string; code?: string };
            detail = [problem.code, problem.detail].filter(Boolean).join(': ') || detail;
          } catch { /* keep the raw text */ }
          return fail(res, { state, action, reason: `the provider answered ${answer.statusCode}${detail ? ` (${detail})` : ''}` });
        }
        // The provider's answer holds the values `fromProviderState` expressions use (e.g. the created id).
        res.writeHead(200, { 'content-type': 'application/json' }).end(text.trim() === '' ? '{}' : text);
      } catch (error) {
        fail(res, { state, action, reason: `the state endpoint could not be reached: ${(error as Error).message}` });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    stateUrl: `http://127.0.0.1:${port}/_state`,
    messageTransport: { port, path: MESSAGE_PATH },
    stateFailures: failures,
    messageFailures,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
