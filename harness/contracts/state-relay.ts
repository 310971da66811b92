import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

/** A provider-state change that did not work, kept so the report can say which and why. */
export interface StateFailure {
  state: string;
  action: string;
  reason: string;
}

export interface StateRelay {
  /** Give this to the verifier as `providerStatesSetupUrl`. */
  url: string;
  failures: StateFailure[];
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Sits between the Pact verifier and the provider's state endpoint. pact-js's own state handlers
 * answer 200 even when a handler throws, so the interaction runs against the wrong state and may
 * pass. Here any failure (unknown state, provider error, no state endpoint) answers 400, which
 * makes the Pact verifier fail that interaction, and the reason is kept for our report.
 */
export async function startStateRelay(stateEndpoint: string | undefined, headers: Record<string, string> = {}): Promise<StateRelay> {
  const failures: StateFailure[] = [];
  const fail = (res: http.ServerResponse, failure: StateFailure) => {
    failures.push(failure);
    // 400, not 5xx: the verifier retries 5xx state changes with back-off, which only delays the same failure.
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: failure.reason }));
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
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
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    failures,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
