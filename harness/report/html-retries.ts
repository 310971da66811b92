import type { ApiProfile } from '../config/profile-types.js';
import type { DeliveryRecord, HistoryRecord } from '../history/types.js';
import { promisedDelay } from '../checks/retry-timing.js';
import { esc } from './html-escape.js';

const WIDTH = 960;

/**
 * For events that needed retries: each attempt as a dot on its own row, and the window the declared
 * policy promised for it (from the previous attempt) as a band — late or early dots stand out.
 */
export function renderRetrySchedule(records: readonly HistoryRecord[], profile: ApiProfile | undefined, limit = 8): string {
  const policy = profile?.webhooks?.retryPolicy;
  if (!policy) return '<p class="muted">The profile declares no webhook retry policy.</p>';
  const byEvent = new Map<string, DeliveryRecord[]>();
  for (const r of records) {
    if (r.kind !== 'delivery') continue;
    const list = byEvent.get(r.eventId) ?? [];
    list.push(r);
    byEvent.set(r.eventId, list);
  }
  const retried = [...byEvent.entries()].filter(([, l]) => l.length > 1).slice(0, limit);
  if (retried.length === 0) return '<p class="muted">No callback needed a retry in this scenario.</p>';
  const span = Math.max(...retried.map(([, l]) => l[l.length - 1]!.time - l[0]!.time), 1);
  let maxEnd = span;
  for (const [, l] of retried) {
    for (let i = 1; i < l.length; i++) maxEnd = Math.max(maxEnd, l[i - 1]!.time - l[0]!.time + promisedDelay(policy, i, l[i - 1]!.retryAfterSeconds, l[i - 1]!.answeredStatus).hi);
  }
  const x = (t: number): number => 170 + (t / maxEnd) * (WIDTH - 190);
  const rows: string[] = [];
  retried.forEach(([eventId, list], row) => {
    const y = 14 + row * 22;
    const base = list[0]!.time;
    rows.push(`<text x="2" y="${y + 9}" class="axis">${esc(eventId.slice(0, 24))}</text>`);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!.time - base;
      const { lo, hi } = promisedDelay(policy, i, list[i - 1]!.retryAfterSeconds, list[i - 1]!.answeredStatus);
      rows.push(`<rect class="promised" x="${x(prev + lo).toFixed(1)}" y="${y}" width="${Math.max(2, x(prev + hi) - x(prev + lo)).toFixed(1)}" height="12" fill="#bbdefb"><title>${esc(`attempt ${i + 1} promised between ${Math.round(lo)} and ${Math.round(hi)} ms after attempt ${i}`)}</title></rect>`);
    }
    list.forEach((d, i) => {
      rows.push(`<circle class="attempt" cx="${x(d.time - base).toFixed(1)}" cy="${y + 6}" r="4" fill="${d.answeredStatus < 300 ? '#1565c0' : '#c62828'}"><title>${esc(`attempt ${i + 1} at +${d.time - base} ms, answered ${d.answeredStatus}`)}</title></circle>`);
    });
  });
  const height = 30 + retried.length * 22;
  return `<svg class="retries" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="callback retry schedule against the promised one">
${rows.join('\n')}
<text x="170" y="${height - 4}" class="axis">0 ms</text><text x="${WIDTH - 20}" y="${height - 4}" class="axis" text-anchor="end">${Math.round(maxEnd)} ms after the first attempt</text>
</svg>`;
}
