import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyServer, type ProxyServer } from './index.js';
import { judgeScenario, startQuitEchoServer } from './test-support/scenario-runner.js';
import { TOXIC_SCENARIOS } from './test-support/toxic-scenarios.js';

/**
 * The same toxic scenarios against the embedded proxy and, where TOXIPROXY_URL is set, a real
 * Toxiproxy (its proxies must reach this machine's 127.0.0.1). Each scenario states what
 * Toxiproxy 2.12.0 does; both targets must match it: the same bytes, the same close kind (FIN,
 * RST or still open) and the same timing within ±100 ms. The deliberate differences
 * (docs/proxy.md) are about refusing bad input and do not show here.
 */
const TOXIPROXY_URL = process.env.TOXIPROXY_URL;

let upstream: Awaited<ReturnType<typeof startQuitEchoServer>>;
beforeAll(async () => {
  upstream = await startQuitEchoServer();
});
afterAll(() => upstream.close());

describe('toxic semantics: the embedded proxy does what Toxiproxy 2.12.0 does', { timeout: 30_000 }, () => {
  let server: ProxyServer;
  beforeAll(async () => {
    server = await startProxyServer({ seed: 7 });
  });
  afterAll(() => server.close());

  TOXIC_SCENARIOS.forEach((scenario, index) => {
    it(scenario.name, async () => {
      const verdict = await judgeScenario(server.url, upstream.address, scenario, `diff_${index}`);
      expect(verdict.observed, `tolerance ±${verdict.toleranceMs} ms, event-loop lag ${verdict.lagMs} ms, ${verdict.attempts} run(s)`).toEqual(scenario.expect);
    });
  });
});

describe.skipIf(TOXIPROXY_URL === undefined)(
  `toxic semantics: a real Toxiproxy does the same (${TOXIPROXY_URL ?? 'skipped: set TOXIPROXY_URL to run against one'})`,
  { timeout: 30_000 },
  () => {
    TOXIC_SCENARIOS.forEach((scenario, index) => {
      it(scenario.name, async () => {
        const verdict = await judgeScenario(TOXIPROXY_URL!, upstream.address, scenario, `payharness_diff_${index}_${process.pid}`);
        expect(verdict.observed, `tolerance ±${verdict.toleranceMs} ms, event-loop lag ${verdict.lagMs} ms, ${verdict.attempts} run(s)`).toEqual(scenario.expect);
      });
    });
  },
);
