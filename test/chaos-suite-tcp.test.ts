import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSuite, runDemo, suiteDir } from '../harness/run/demo.js';
import { runCli } from './cli-helpers.js';
import { startProxyServer, type ProxyServer } from '../harness/proxy/index.js';
import type { CheckVerdict } from '../harness/checks/types.js';
import type { HistoryRecord } from '../harness/history/types.js';
import type { ChaosResult } from '../harness/run/run-chaos.js';
import { readHistory } from '../harness/history/recorder.js';
import { SANDBOX_BUGS } from '../sandbox/index.js';
import { INSIDE_BUG_TO_CHECK } from './inside-bugs.js';

const out = mkdtempSync(join(tmpdir(), 'ph-suite-tcp-'));
const REAL_TOXIPROXY = process.env.TOXIPROXY_URL?.replace(/\/$/, '');

/**
 * Which scenario of the TCP suite exposes each planted bug, the check that must name it, and what
 * does the exposing: a TCP fault, the client's own duplicates, the receiver's answers, or the
 * workload (a race or an illegal request) with the link merely slowed. README's second table says the same.
 */
export const TCP_BUG_TO_CHECK: Record<string, { scenario: string; check: string; by: 'tcp fault' | 'client duplicates' | 'receiver answers' | 'workload' }> = {
  'no-idempotency': { scenario: 'lost-responses', check: 'exactly-once', by: 'tcp fault' },
  'idempotency-race': { scenario: 'concurrent-duplicates', check: 'concurrent-duplicates-once', by: 'client duplicates' },
  'ignore-payload-mismatch': { scenario: 'changed-payloads', check: 'payload-mismatch-rejected', by: 'client duplicates' },
  'replay-differs': { scenario: 'changed-payloads', check: 'idempotent-replay', by: 'client duplicates' },
  'webhook-no-retry': { scenario: 'callbacks', check: 'callbacks-delivered', by: 'receiver answers' },
  'webhook-retry-storm': { scenario: 'callbacks', check: 'retry-schedule', by: 'receiver answers' },
  'webhook-new-event-id': { scenario: 'callbacks', check: 'retries-keep-event-id', by: 'receiver answers' },
  'webhook-bad-signature': { scenario: 'callbacks', check: 'signatures-valid', by: 'receiver answers' },
  'webhook-stale-signature': { scenario: 'callbacks', check: 'signatures-valid', by: 'receiver answers' },
  'event-before-commit': { scenario: 'callbacks', check: 'events-match-payments', by: 'workload' },
  'refund-overdraw': { scenario: 'refund-races', check: 'money-invariants', by: 'workload' },
  'capture-after-cancel': { scenario: 'illegal-transitions', check: 'lifecycle-transitions', by: 'workload' },
  'refund-uncaptured': { scenario: 'illegal-transitions', check: 'forbidden-writes-refused', by: 'workload' },
  'capture-race': { scenario: 'refund-races', check: 'racing-writes-consistent', by: 'workload' },
  'replay-error-reexecutes': { scenario: 'late-replays', check: 'idempotent-replay', by: 'client duplicates' },
  'idempotency-short-retention': { scenario: 'late-replays', check: 'keys-retained', by: 'client duplicates' },
  'replay-unmarked': { scenario: 'late-replays', check: 'replay-marked', by: 'client duplicates' },
  'idempotency-keys-global': { scenario: 'merchant-key-scope', check: 'keys-scoped-per-merchant', by: 'workload' },
};

/**
 * What each check counted when it judged something, until every check reports `judged` itself. A
 * pass with this at 0 would be a pass about nothing. retries-keep-event-id counts only suspects, so
 * its scenario must show retries under retry-schedule (the same attempts).
 */
const EXERCISED: Record<string, string> = {
  'exactly-once': 'keys',
  'idempotent-replay': 'replaysCompared',
  'payload-mismatch-rejected': 'mismatchesJudged',
  'concurrent-duplicates-once': 'concurrentGroups',
  'callbacks-delivered': 'events',
  'retry-schedule': 'retriesJudged',
  'retries-keep-event-id': 'retriesJudged',
  'signatures-valid': 'verified',
  'lifecycle-transitions': 'observations',
  'money-invariants': 'snapshots',
};

function exercised(check: CheckVerdict, siblings: readonly CheckVerdict[]): number {
  if (check.judged !== undefined) return check.judged;
  const stat = EXERCISED[check.name]!;
  const from = check.name === 'retries-keep-event-id' ? siblings.find((c) => c.name === 'retry-schedule') : check;
  return from?.stats?.[stat] ?? 0;
}

/** A transport failure the fault caused: a lost or late answer (info) or a refused connection. */
const hitByFault = (r: HistoryRecord): boolean => r.kind === 'complete' && (r.outcome === 'info' || /ECONNREFUSED/.test(r.error ?? ''));

/** The scenarios whose API faults must show in the history on any machine: each must have cut some request. */
const API_FAULT_SCENARIOS = ['lost-responses', 'slow-responses', 'black-hole', 'outage'];

function problemsOfCleanRun(r: ChaosResult, history: readonly HistoryRecord[]): string[] {
  const problems: string[] = [];
  for (const s of r.verdict.scenarios) {
    for (const c of s.checks) {
      if (c.verdict !== 'pass') problems.push(`${s.name}/${c.name}: ${c.verdict}: ${c.error ?? c.witnesses[0]?.summary}`);
      else if (exercised(c, s.checks) === 0) problems.push(`${s.name}/${c.name}: passed without judging anything`);
    }
    if (API_FAULT_SCENARIOS.includes(s.name) && !history.some((h) => h.scenario === s.name && hitByFault(h))) {
      problems.push(`${s.name}: its faults cut no request`);
    }
  }
  return problems;
}

const TCP_SEEDS = (process.env.PAYHARNESS_TCP_SEEDS ?? '3').split(',').map(Number);

/** The same suite, the same promises, against any Toxiproxy without HTTP faults. */
function tcpSuite(where: string, toxiproxy: () => string): void {
  it(`runs the TCP suite ${where}: every scenario of scenarios/chaos-tcp, every check judged and passing on the clean sandbox`, async () => {
    // One after the other: the run, the sandbox and the embedded proxy share this process's event
    // loop, and two suites at once would add their own lag to the callback timing being judged.
    // One seed in CI (the HTTP suite covers five); PAYHARNESS_TCP_SEEDS=3,4,5 runs more.
    for (const seed of TCP_SEEDS) {
      const r = await runDemo({ seed, toxiproxyUrl: toxiproxy(), outDir: join(out, `${where}-clean-${seed}`) });
      expect(r.suite, 'the demo picked the TCP suite').toBe('tcp');
      const names = readdirSync(suiteDir('tcp')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
      expect(r.verdict.scenarios.map((s) => s.name).sort()).toEqual(names);
      const history = await readHistory(join(r.runDir, 'history.jsonl'));
      expect(problemsOfCleanRun(r, history), `seed ${r.seed}`).toEqual([]);
      expect(r.exitCode).toBe(0);
    }
  }, 400_000);

  it(`fails each planted bug on its named check, with a witness, ${where}`, async () => {
    const bugs = Object.entries(TCP_BUG_TO_CHECK);
    const misses: string[] = [];
    // A check that reads `unknown` said the run's scheduling noise hid the margin it judges (three
    // runs at once on a busy machine): that bug runs again, alone. A `pass` is a miss outright.
    const unsure: typeof bugs = [];
    const demonstrate = async ([bug, { scenario, check }]: (typeof bugs)[number], attempt: string, retryUnknown: boolean): Promise<void> => {
      const r = await runDemo({
        bugs: [bug], seed: 7, toxiproxyUrl: toxiproxy(), outDir: join(out, `${where}-${bug}${attempt}`), scenarios: [join(suiteDir('tcp'), `${scenario}.yaml`)],
      });
      const verdict = r.verdict.scenarios[0]!.checks.find((c) => c.name === check);
      if (retryUnknown && verdict?.verdict === 'unknown') unsure.push([bug, { scenario, check }] as (typeof bugs)[number]);
      else if (r.exitCode !== 1 || verdict?.verdict !== 'fail' || !verdict.witnesses[0]?.summary || verdict.witnesses[0].records.length === 0) {
        misses.push(`${bug}: exit ${r.exitCode}, ${check} ${verdict?.verdict ?? 'missing'}${attempt ? ' (run again alone)' : ''}`);
      }
    };
    for (let i = 0; i < bugs.length; i += 3) await Promise.all(bugs.slice(i, i + 3).map((b) => demonstrate(b, '', true)));
    for (const b of unsure) await demonstrate(b, '-alone', false);
    expect(misses).toEqual([]);
  }, 400_000);
}

describe('the TCP chaos suite', () => {
  it('says for every sandbox bug which TCP scenario and check expose it', () => {
    // Bugs only a fault inside the provider exposes have their own suite (test/chaos-suite-inside.test.ts).
    expect([...Object.keys(TCP_BUG_TO_CHECK), ...Object.keys(INSIDE_BUG_TO_CHECK)].sort()).toEqual([...SANDBOX_BUGS].sort());
    const scenarios = readdirSync(suiteDir('tcp')).map((f) => f.replace(/\.yaml$/, ''));
    for (const { scenario } of Object.values(TCP_BUG_TO_CHECK)) expect(scenarios).toContain(scenario);
  });

  it('refuses a bad suite request before anything starts (exit 3)', async () => {
    const [none, both, unknown] = await Promise.all([
      runCli(['chaos', 'run']),
      runCli(['chaos', 'run', join(suiteDir('tcp'), 'outage.yaml'), '--suite', 'tcp']),
      runCli(['demo', '--suite', 'udp']),
    ]);
    expect([none.code, both.code, unknown.code]).toEqual([3, 3, 3]);
    expect(none.stderr).toMatch(/no scenarios to run[\s\S]*--suite standard/);
    expect(both.stderr).toMatch(/scenario files or --suite, not both/);
    expect(unknown.stderr).toMatch(/unknown suite "udp"/);
  }, 120_000);

  describe('against the embedded proxy in TCP-only mode (what a real Toxiproxy 2.12.0 offers)', () => {
    let proxy: ProxyServer;
    let full: ProxyServer;
    beforeAll(async () => {
      [proxy, full] = await Promise.all([startProxyServer({ tcpOnly: true }), startProxyServer()]);
    });
    afterAll(async () => {
      await Promise.all([proxy.close(), full.close()]);
    });

    it('"standard" means the TCP suite where the proxy has no HTTP faults, the full one where it has', async () => {
      expect(await resolveSuite('standard', proxy.url)).toBe('tcp');
      expect(await resolveSuite('standard', full.url)).toBe('full');
      expect(await resolveSuite('standard')).toBe('full');
      expect(await resolveSuite('tcp', full.url)).toBe('tcp');
    });
    tcpSuite('on the TCP-only embedded proxy', () => proxy.url);
    it('exposes no-idempotency through each API fault that loses an answer (reset_peer, latency past the timeout, timeout)', async () => {
      const r = await runDemo({
        bugs: ['no-idempotency'], seed: 5, toxiproxyUrl: proxy.url, outDir: join(out, 'no-idempotency-api-faults'),
        scenarios: ['lost-responses', 'slow-responses', 'black-hole'].map((s) => join(suiteDir('tcp'), `${s}.yaml`)),
      });
      const verdicts = r.verdict.scenarios.map((s) => `${s.name}: ${s.checks.find((c) => c.name === 'exactly-once')?.verdict}`);
      expect(verdicts).toEqual(['lost-responses: fail', 'slow-responses: fail', 'black-hole: fail']);
    }, 120_000);
  });

  describe.skipIf(!REAL_TOXIPROXY)('against a real Toxiproxy (skipped: set TOXIPROXY_URL to run)', () => {
    tcpSuite(`on the real Toxiproxy at ${REAL_TOXIPROXY ?? 'TOXIPROXY_URL'}`, () => REAL_TOXIPROXY!);
  });
});
