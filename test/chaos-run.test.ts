import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProxyServer, type ProxyServer } from '../harness/proxy/index.js';
import { runChaos } from '../harness/run/run-chaos.js';
import { readHistory } from '../harness/history/recorder.js';
import { judgeRun } from '../harness/run/verdict.js';
import { repoRoot, runCli } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ph-run-'));
/** Each test starts the sandbox (and some the CLI through tsx): minutes on a busy 2-core machine, so a bound noise cannot cross. */
const RUN_MS = 300_000;
let proxy: ProxyServer;

const scenarioFile = (name: string, flows: number, extra = '', concurrency = 2): string => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}
workload:
  flows: ${flows}
  concurrency: ${concurrency}
  mix: {charge: 1, refund: 1}
duplicates:
  # Replays after the stored answer give idempotent-replay something to compare.
  delayedReplays: {probability: 0.7, delayMs: 10}
faults:
  - {type: http_drop_response, proxy: api, attributes: {probability: 0.3, method: POST}}
  - {type: latency, proxy: api, attributes: {latency: 5}}
  - {type: http_status, proxy: callbacks, attributes: {status: 503, first: 2}}
${extra}checks: [exactly-once, idempotent-replay, money-invariants, callbacks-delivered, signatures-valid]
`);
  return file;
};

async function proxiesOnServer(): Promise<Record<string, { toxics: unknown[] }>> {
  const res = await fetch(`${proxy.url}/proxies`);
  return (await res.json()) as Record<string, { toxics: unknown[] }>;
}

/** Every file of a run directory plus the console output must be free of credentials and card numbers. */
function assertNoSecrets(texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toMatch(/sk_test_payharness|Bearer sk_|whsec_[A-Za-z0-9]|4242424242424242/);
  }
}

const runDirTexts = (runDir: string): string[] => readdirSync(runDir).map((f) => readFileSync(join(runDir, f), 'utf8'));

beforeAll(async () => {
  proxy = await startProxyServer({ seed: 3 });
});
afterAll(async () => {
  await proxy.close();
});

describe('chaos run through a Toxiproxy API', () => {
  it('leaves no proxy or toxic behind after a passing run and after a failing run', async () => {
    const file = scenarioFile('cleanup', 6);
    const pass = await runChaos({ scenarios: [file], toxiproxyUrl: proxy.url, seed: 5, outDir: join(dir, 'pass') });
    expect(pass.exitCode, JSON.stringify(pass.verdict.scenarios[0]!.checks.filter((c) => c.verdict !== 'pass'))).toBe(0);
    expect(await proxiesOnServer()).toEqual({});
    const history = await readHistory(join(pass.runDir, 'history.jsonl'));
    expect(history.filter((r) => r.kind === 'fault' && r.phase === 'start')).toHaveLength(3);
    expect(history.filter((r) => r.kind === 'fault' && r.phase === 'heal')).toHaveLength(3);
    expect(history.some((r) => r.kind === 'fault-decision')).toBe(true);
    // Re-judging the saved history gives the verdict the run gave.
    expect(judgeRun(history)).toEqual(pass.verdict);
    const fail = await runChaos({ scenarios: [file], toxiproxyUrl: proxy.url, seed: 5, outDir: join(dir, 'fail'), bugs: ['no-idempotency'] });
    expect(fail.exitCode).toBe(1);
    // The witness names the key by the sandbox profile's header.
    const once = fail.verdict.scenarios[0]!.checks.find((c) => c.name === 'exactly-once')!;
    expect(once.witnesses[0]!.summary).toMatch(/^Key \S+ \(Idempotency-Key header\) \(\w+\) took effect \d+ times/);
    expect(await proxiesOnServer()).toEqual({});
    assertNoSecrets([...runDirTexts(pass.runDir), ...runDirTexts(fail.runDir)]);
  }, RUN_MS);

  it('a "down" window refuses connections (fail, retried), heals, and the run still passes', async () => {
    const file = join(dir, 'down.yaml');
    writeFileSync(file, `name: down-window
workload:
  flows: 4
  concurrency: 2
  mix: {charge: 1}
  client: {retry: {attempts: 6, backoffMs: 100, multiplier: 2, on: [timeout, reset]}}
faults:
  - {type: down, proxy: api, startMs: 0, healMs: 400}
checks: [exactly-once, money-invariants]
`);
    const r = await runChaos({ scenarios: [file], toxiproxyUrl: proxy.url, seed: 2, outDir: join(dir, 'down') });
    expect(r.exitCode).toBe(0);
    const history = await readHistory(join(r.runDir, 'history.jsonl'));
    expect(history.some((h) => h.kind === 'complete' && h.outcome === 'fail' && /ECONNREFUSED|reset|closed/i.test(h.error ?? ''))).toBe(true);
    expect(history.filter((h) => h.kind === 'fault').map((h) => (h.kind === 'fault' ? h.phase : ''))).toEqual(['start', 'heal']);
    expect(await proxiesOnServer()).toEqual({});
  }, RUN_MS);

  it('replays the same plan and fault decisions with the same seed', async () => {
    // One worker: with several, which request meets which random draw depends on arrival order.
    const file = scenarioFile('replay', 5, '', 1);
    const keysOf = async (seed: number, out: string): Promise<string[]> => {
      const r = await runChaos({ scenarios: [file], toxiproxyUrl: undefined, seed, outDir: join(dir, out) });
      const history = await readHistory(join(r.runDir, 'history.jsonl'));
      // Run ids and the provider's event ids differ; strip them from the keys and compare the plan (amounts) and the proxy's choices.
      const plan = history.filter((r) => r.kind === 'invoke' && r.intent === 'workload').map((r) => (r.kind === 'invoke' ? `${r.op}:${r.amount}` : '')).sort();
      const drops = history.filter((r) => r.kind === 'fault-decision').map((r) => (r.kind === 'fault-decision' ? `${r.action}:${r.idempotencyKey?.startsWith('evt_') ? 'event' : r.idempotencyKey?.split('-').slice(-3).join('-')}` : '')).sort();
      return [...plan, ...drops];
    };
    expect(await keysOf(9, 'seed-a')).toEqual(await keysOf(9, 'seed-b'));
  }, RUN_MS);

  it('against a server without http_* toxics (a real Toxiproxy) an HTTP fault is a clear usage error; TCP faults still run', async () => {
    // A stand-in for a real Toxiproxy: the embedded server with /events hidden, as Toxiproxy has none.
    const { createServer } = await import('node:http');
    const plain = createServer((req, res) => {
      if (req.url?.startsWith('/events')) return void res.writeHead(404).end('404 page not found');
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void fetch(`${proxy.url}${req.url}`, { method: req.method, body: req.method === 'GET' || req.method === 'DELETE' ? undefined : Buffer.concat(chunks), headers: { 'content-type': 'application/json' } })
          .then(async (r) => res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await r.arrayBuffer())));
      });
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(plain.address() as import('node:net').AddressInfo).port}`;
    try {
      await expect(runChaos({ scenarios: [scenarioFile('needs-http', 2)], toxiproxyUrl: url, seed: 1, outDir: join(dir, 'needs-http') }))
        .rejects.toMatchObject({ exitCode: 3, code: 'E_HTTP_FAULTS_UNAVAILABLE' });
      expect(await proxiesOnServer()).toEqual({});
      const tcpOnly = join(dir, 'tcp-only.yaml');
      writeFileSync(tcpOnly, 'name: tcp-only\nworkload: {flows: 3, mix: {charge: 1}}\nfaults:\n  - {type: latency, proxy: api, attributes: {latency: 10}}\nchecks: [exactly-once]\n');
      const r = await runChaos({ scenarios: [tcpOnly], toxiproxyUrl: url, seed: 1, outDir: join(dir, 'tcp-only') });
      expect(r.exitCode).toBe(0);
      expect(await proxiesOnServer()).toEqual({});
    } finally {
      await new Promise((resolve) => plain.close(resolve));
    }
  }, RUN_MS);

  it.skipIf(!process.env.TOXIPROXY_URL)('runs TCP faults through a real Toxiproxy and leaves nothing behind (needs TOXIPROXY_URL)', async () => {
    const tcpOnly = join(dir, 'real-tcp.yaml');
    writeFileSync(tcpOnly, 'name: real-tcp\nworkload: {flows: 3, mix: {charge: 1}}\nfaults:\n  - {type: latency, proxy: api, attributes: {latency: 10}}\nchecks: [exactly-once]\n');
    const r = await runChaos({ scenarios: [tcpOnly], toxiproxyUrl: process.env.TOXIPROXY_URL, seed: 1, outDir: join(dir, 'real') });
    expect(r.exitCode).toBe(0);
    const left = (await (await fetch(`${process.env.TOXIPROXY_URL}/proxies`)).json()) as Record<string, unknown>;
    expect(Object.keys(left).filter((name) => name.startsWith(r.runId))).toEqual([]);
  }, RUN_MS);

  it('SIGINT heals every fault, deletes the proxies, keeps a checkable partial history and exits 130', async () => {
    const file = scenarioFile('interrupted', 400);
    const out = join(dir, 'sigint');
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'harness/cli/main.ts'), 'chaos', 'run', file, '--toxiproxy', proxy.url, '--seed', '4', '--out', out], {
      cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Wait until the run is under way: faults applied on our server and operations recorded.
    const deadline = Date.now() + RUN_MS / 2;
    while (Date.now() < deadline) {
      const proxies = await proxiesOnServer();
      const toxics = Object.values(proxies).reduce((n, p) => n + p.toxics.length, 0);
      if (toxics >= 2 && existsSync(join(out, 'history.jsonl')) && readFileSync(join(out, 'history.jsonl'), 'utf8').includes('"kind":"complete"')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(Object.keys(await proxiesOnServer()).length).toBe(2);
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted/);
    expect(await proxiesOnServer()).toEqual({});
    const history = await readHistory(join(out, 'history.jsonl'));
    expect(history.find((r) => r.kind === 'run-end')).toMatchObject({ status: 'interrupted' });
    expect(history.filter((r) => r.kind === 'fault' && r.phase === 'heal').length).toBe(history.filter((r) => r.kind === 'fault' && r.phase === 'start').length);
    const verdict = JSON.parse(readFileSync(join(out, 'verdict.json'), 'utf8')) as { interrupted?: boolean };
    expect(verdict.interrupted).toBe(true);
    const rejudged = await runCli(['check', out], { timeoutMs: RUN_MS / 3 });
    // Re-judged, it exits as the run did: 130, the history being partial.
    expect(rejudged.code, rejudged.stderr).toBe(130);
    expect(rejudged.stdout).toMatch(/verdict: \w+ \(interrupted/);
    assertNoSecrets([stdout, stderr, rejudged.stdout, rejudged.stderr, ...runDirTexts(out)]);
  }, RUN_MS);
});
