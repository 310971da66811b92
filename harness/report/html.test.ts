import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { TestHistory, testProfile } from '../checks/test-support/test-history.js';
import { judgeRun } from '../run/verdict.js';
import { writeReports } from './index.js';
import type { RunMeta } from '../run/verdict.js';

const CHROMIUM = process.env.PAYHARNESS_CHROMIUM ?? '/usr/bin/chromium';

/**
 * A small run with a fault window, a double charge, a retried callback, a callback never retried,
 * and a replay check with nothing to compare.
 */
async function sampleRun(): Promise<{ dir: string; summary: string }> {
  const h = new TestHistory();
  const meta: RunMeta = { profile: testProfile(), scenarios: [{ name: 'lost-responses', checks: [{ name: 'exactly-once' }, { name: 'idempotent-replay' }] }], target: 'test' };
  (h.records[0] as { meta: unknown }).meta = meta;
  const tag = <T extends object>(r: T): T => ({ ...r, scenario: 'lost-responses' });
  h.push(tag({ kind: 'fault', time: 5, target: 'default', phase: 'start', proxy: 'p-api', toxic: 't1', type: 'http_drop_response', path: 'api' }));
  h.at(10).request('create', { key: 'k1', amount: 500, duration: 40 }, { status: undefined });
  h.at(60).request('create', { key: 'k1', amount: 500, intent: 'retry', process: 1 }, { status: 201, resourceId: 'pay_2', body: h.payment('pay_2', 'succeeded', 500, 500) });
  h.push(tag({ kind: 'fault', time: 90, target: 'default', phase: 'heal', proxy: 'p-api', toxic: 't1', type: 'http_drop_response', path: 'api' }));
  h.referenceCount('k1', ['pay_1', 'pay_2']);
  h.delivery('evt_1', 100, 500).delivery('evt_1', 205, 200);
  // Refused once and never retried in the 2.8 s the run watched on: the policy promised a second attempt.
  h.delivery('evt_2', 200, 500);
  h.push({ kind: 'note', time: 3_000, target: 'default', message: 'callbacks settled' });
  for (const r of h.records) if (r.kind !== 'run') r.scenario = 'lost-responses';
  h.records.push({ kind: 'run-end', time: 3_000, target: 'default', status: 'completed' });
  const verdict = judgeRun(h.records);
  const dir = mkdtempSync(join(tmpdir(), 'ph-html-'));
  await writeReports(dir, { history: h.records, verdict });
  const failing = verdict.scenarios[0]!.checks.find((c) => c.verdict === 'fail')!;
  return { dir, summary: failing.witnesses[0]!.summary };
}

describe('report.html', () => {
  it('is self-contained: no external URL anywhere in the file', async () => {
    const { dir } = await sampleRun();
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain('<svg class="timeline"');
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testcase classname="chaos.lost-responses" name="exactly-once">\s*<failure message="Key k1 \(Idempotency-Key header\) \(create\) took effect 2 times/);
    expect(junit).toContain('tests="2" failures="1" errors="0" skipped="1"');
    // The undecided check is skipped with its reason and what it could not judge; the failing one says what it judged.
    expect(junit).toMatch(/<testcase classname="chaos.lost-responses" name="idempotent-replay">\s*<skipped message="not judged: no key was sent twice with a stored answer to compare against \(not judged: first answer lost or not stored \(nothing to compare\): 1\)"\/>/);
    expect(junit).toContain('<system-out>judged 1 key</system-out>');
    const verdict = JSON.parse(readFileSync(join(dir, 'verdict.json'), 'utf8')) as { verdict: string; scenarios: { checks: { name: string; witnesses: unknown[] }[] }[] };
    expect(verdict.verdict).toBe('fail');
    expect(verdict.scenarios[0]!.checks[0]!.witnesses.length).toBe(1);
  });

  it.skipIf(!existsSync(CHROMIUM))('renders in Chromium: timeline with fault window, retry schedule, witnesses; no console errors, no requests (needs Chromium at PAYHARNESS_CHROMIUM)', async () => {
    const { dir, summary } = await sampleRun();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const context = await browser.newContext();
      const external: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        external.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pathToFileURL(join(dir, 'report.html')).href);
      expect(await page.locator('svg.timeline rect.op').count()).toBe(2);
      expect(await page.locator('svg.timeline rect.fault-window').count()).toBe(1);
      expect(await page.locator('svg.timeline rect.op-info').count()).toBe(1);
      expect(await page.locator('svg.retries circle.attempt').count()).toBe(3);
      expect(await page.locator('svg.retries rect.promised').count()).toBe(2);
      // The retry evt_2 was owed and never got: a dashed ring in its promised window, which says so.
      const missing = page.locator('svg.retries circle.missing');
      expect(await missing.count()).toBe(1);
      expect(await missing.locator('title').textContent()).toMatch(/^attempt 2 was promised 90–110 ms after the first and never came \(the run watched 2\d{3} ms/);
      expect(await page.locator('p.legend', { hasText: 'Dashed ring' }).count()).toBe(1);
      await expect.poll(() => page.locator('li.witness').first().innerText()).toContain(summary);
      expect(await page.locator('header').innerText()).toMatch(/FAIL/);
      // The failing check is summarised above everything else, with its witness in a sentence.
      const problems = page.locator('section.problems');
      expect(await problems.locator('li.problem').count()).toBe(2);
      expect(await problems.innerText()).toContain(summary);
      // What each check judged is on the page; an undecided check reads "not judged", never like a pass.
      const replay = page.locator('tr.check', { hasText: 'idempotent-replay' });
      expect(await replay.locator('.badge').innerText()).toMatch(/^not judged$/i);
      expect(await replay.locator('ul.not-judged').innerText()).toContain('first answer lost or not stored (nothing to compare): 1');
      expect(await page.locator('tr.check', { hasText: 'exactly-once' }).locator('.judged').innerText()).toBe('judged 1 key');
      await page.click('#expand');
      expect(await page.locator('details[open]').count()).toBeGreaterThan(0);
      const box = await page.locator('svg.timeline').boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(errors).toEqual([]);
      expect(external).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
