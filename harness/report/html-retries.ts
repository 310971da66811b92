import type { ApiProfile, RetryPolicy } from '../config/profile-types.js';
import type { HistoryRecord } from '../history/types.js';
import { viewOf } from '../checks/history-view.js';
import { callbackAttempts, delivered, type CallbackAttempt } from '../checks/callback-attempts.js';
import { DEFAULT_SLACK, promisedDelay } from '../checks/retry-timing.js';
import { esc } from './html-escape.js';

const WIDTH = 960;

/** The attempt the policy still owed when the run stopped watching: its number and promised window (ms after the first attempt). */
interface Missing {
  n: number;
  lo: number;
  hi: number;
  nominal: number;
  watchedMs: number;
}

/** The next attempt the policy promised after `attempts` that never came while the run watched (until `end`), if any. */
function missingAttempt(policy: RetryPolicy, attempts: readonly CallbackAttempt[], end: number): Missing | undefined {
  const last = attempts[attempts.length - 1]!;
  const stopped = last.status !== undefined && policy.stopOn.includes(last.status);
  if (delivered(last) || stopped || attempts.length >= policy.maxAttempts) return undefined;
  const { lo, hi, nominal } = promisedDelay(policy, attempts.length, last.retryAfterSeconds, last.status);
  const watchedMs = end - last.outcomeTime;
  // Same allowance as retry-schedule's default: a retry that late is not yet "never".
  if (watchedMs <= hi + DEFAULT_SLACK.lateSlackMs) return undefined;
  const from = last.outcomeTime - attempts[0]!.time;
  return { n: attempts.length + 1, lo: from + lo, hi: from + hi, nominal: from + nominal, watchedMs };
}

function attemptDot(a: CallbackAttempt, i: number, x: number, y: number, base: number): string {
  const at = `attempt ${i + 1} at +${Math.round(a.time - base)} ms`;
  if (!a.delivery) {
    return `<circle class="attempt-lost" cx="${x.toFixed(1)}" cy="${y + 6}" r="4" fill="#9e9e9e"><title>${esc(`${at}, lost to a harness fault before the receiver`)}</title></circle>`;
  }
  const fill = delivered(a) ? '#1565c0' : '#c62828';
  return `<circle class="attempt" cx="${x.toFixed(1)}" cy="${y + 6}" r="4" fill="${fill}"><title>${esc(`${at}, answered ${a.delivery.answeredStatus}`)}</title></circle>`;
}

/**
 * For events that needed retries: each attempt as a dot on its own row, the window the declared
 * policy promised for it (from the previous attempt) as a band — late or early dots stand out — and
 * a dashed ring where the policy promised one more attempt that never came while the run watched.
 */
export function renderRetrySchedule(records: readonly HistoryRecord[], profile: ApiProfile | undefined, limit = 8): string {
  const policy = profile?.webhooks?.retryPolicy;
  if (!policy || !profile) return '<p class="muted">The profile declares no webhook retry policy.</p>';
  const view = viewOf(records, profile);
  const shown: { eventId: string; attempts: CallbackAttempt[]; missing?: Missing }[] = [];
  for (const [eventId, attempts] of callbackAttempts(view)) {
    if (shown.length >= limit) break;
    const missing = missingAttempt(policy, attempts, view.endTime);
    if (attempts.length > 1 || missing) shown.push({ eventId, attempts, ...(missing ? { missing } : {}) });
  }
  if (shown.length === 0) return '<p class="muted">No callback needed a retry in this scenario.</p>';
  let maxEnd = 1;
  for (const { attempts, missing } of shown) {
    const base = attempts[0]!.time;
    maxEnd = Math.max(maxEnd, attempts[attempts.length - 1]!.time - base, missing?.hi ?? 0);
    for (let i = 1; i < attempts.length; i++) maxEnd = Math.max(maxEnd, attempts[i - 1]!.time - base + promisedDelay(policy, i, attempts[i - 1]!.retryAfterSeconds, attempts[i - 1]!.status).hi);
  }
  const x = (t: number): number => 170 + (t / maxEnd) * (WIDTH - 190);
  const band = (lo: number, hi: number, y: number, title: string, cls = 'promised'): string =>
    `<rect class="${cls}" x="${x(lo).toFixed(1)}" y="${y}" width="${Math.max(2, x(hi) - x(lo)).toFixed(1)}" height="12" fill="#bbdefb"><title>${esc(title)}</title></rect>`;
  const rows: string[] = [];
  shown.forEach(({ eventId, attempts, missing }, row) => {
    const y = 14 + row * 22;
    const base = attempts[0]!.time;
    rows.push(`<text x="2" y="${y + 9}" class="axis">${esc(eventId.slice(0, 24))}</text>`);
    for (let i = 1; i < attempts.length; i++) {
      const prev = attempts[i - 1]!.time - base;
      const { lo, hi } = promisedDelay(policy, i, attempts[i - 1]!.retryAfterSeconds, attempts[i - 1]!.status);
      rows.push(band(prev + lo, prev + hi, y, `attempt ${i + 1} promised between ${Math.round(lo)} and ${Math.round(hi)} ms after attempt ${i}`));
    }
    if (missing) {
      const title = `attempt ${missing.n} was promised ${Math.round(missing.lo)}–${Math.round(missing.hi)} ms after the first and never came `
        + `(the run watched ${Math.round(missing.watchedMs)} ms after attempt ${missing.n - 1} ended; the policy allows ${policy.maxAttempts} attempts)`;
      rows.push(band(missing.lo, missing.hi, y, title, 'promised missing-window'));
      rows.push(`<circle class="missing" cx="${x(missing.nominal).toFixed(1)}" cy="${y + 6}" r="5" fill="none" stroke="#c62828" stroke-width="1.5" stroke-dasharray="2 2"><title>${esc(title)}</title></circle>`);
    }
    attempts.forEach((a, i) => rows.push(attemptDot(a, i, x(a.time - base), y, base)));
  });
  const height = 30 + shown.length * 22;
  const legend = shown.some((s) => s.missing)
    ? '\n<p class="legend">Dashed ring: an attempt the retry policy promised that never came while the run watched.</p>'
    : '';
  return `<svg class="retries" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="callback retry schedule against the promised one">
${rows.join('\n')}
<text x="170" y="${height - 4}" class="axis">0 ms</text><text x="${WIDTH - 20}" y="${height - 4}" class="axis" text-anchor="end">${Math.round(maxEnd)} ms after the first attempt</text>
</svg>${legend}`;
}
