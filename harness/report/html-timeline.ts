import type { HistoryRecord, OperationComplete, OperationInvoke } from '../history/types.js';
import { esc } from './html-escape.js';

/** Most bars drawn per scenario; beyond that the timeline samples evenly so huge runs stay light. */
const MAX_BARS = 1500;
const WIDTH = 960;
const LANE = 9;

const COLORS: Record<string, string> = { ok: '#2e7d32', fail: '#ef6c00', info: '#8e24aa', open: '#9e9e9e' };

/**
 * The scenario as a picture: one lane per worker, a bar per request attempt (coloured by outcome),
 * fault windows shaded behind them, and callback deliveries as ticks on the bottom lane.
 */
export function renderTimeline(records: readonly HistoryRecord[]): string {
  const invokes = records.filter((r): r is OperationInvoke => r.kind === 'invoke');
  const completes = new Map<number, OperationComplete>();
  for (const r of records) if (r.kind === 'complete') completes.set(r.opId, r);
  const deliveries = records.filter((r) => r.kind === 'delivery');
  if (invokes.length === 0 && deliveries.length === 0) return '<p class="muted">No requests were recorded for this scenario.</p>';
  // Loops, not Math.min(...spread): a large history would overflow the stack.
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const r of records) {
    if (r.kind === 'run') continue;
    if (r.time < t0) t0 = r.time;
    if (r.time > t1) t1 = r.time;
  }
  t1 = Math.max(t1, t0 + 1);
  const x = (t: number): number => 40 + ((t - t0) / (t1 - t0)) * (WIDTH - 50);
  const lanes = invokes.reduce((m, i) => Math.max(m, i.process + 1), 1);
  const deliveryLane = lanes + 1;
  const height = (deliveryLane + 2) * LANE + 30;
  const parts: string[] = [];
  // Fault windows first, so bars are drawn over them.
  const starts = new Map<string, HistoryRecord & { kind: 'fault' }>();
  for (const r of records) {
    if (r.kind !== 'fault') continue;
    if (r.phase === 'start') starts.set(r.toxic, r);
    else {
      const s = starts.get(r.toxic);
      if (!s) continue;
      starts.delete(r.toxic);
      parts.push(faultRect(x(s.time), x(r.time), height, s));
    }
  }
  for (const s of starts.values()) parts.push(faultRect(x(s.time), x(t1), height, s));
  const step = Math.max(1, Math.ceil(invokes.length / MAX_BARS));
  for (let i = 0; i < invokes.length; i += step) {
    const inv = invokes[i]!;
    const c = completes.get(inv.opId);
    const end = c?.time ?? t1;
    const color = COLORS[c?.outcome ?? 'open'];
    const y = 10 + inv.process * LANE;
    const label = `#${inv.opId} ${inv.op} ${inv.method} ${inv.path}${inv.intent && inv.intent !== 'workload' ? ` (${inv.intent})` : ''} → ${c ? (c.status ?? c.error ?? c.outcome) : 'no answer'} [${inv.time}–${end} ms]`;
    parts.push(`<rect class="op op-${c?.outcome ?? 'open'}" x="${x(inv.time).toFixed(1)}" y="${y}" width="${Math.max(1.5, x(end) - x(inv.time)).toFixed(1)}" height="${LANE - 2}" fill="${color}"><title>${esc(label)}</title></rect>`);
  }
  const dy = 10 + deliveryLane * LANE;
  for (const d of deliveries) {
    if (d.kind !== 'delivery') continue;
    const ok = d.answeredStatus < 300;
    parts.push(`<rect class="delivery" x="${x(d.time).toFixed(1)}" y="${dy}" width="2" height="${LANE}" fill="${ok ? '#1565c0' : '#c62828'}"><title>${esc(`callback ${d.eventId} ${d.eventType ?? ''} answered ${d.answeredStatus} at ${d.time} ms`)}</title></rect>`);
  }
  const axis = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const t = t0 + f * (t1 - t0);
    const anchor = f === 0 ? 'start' : f === 1 ? 'end' : 'middle';
    return `<text x="${x(t).toFixed(1)}" y="${height - 4}" class="axis" text-anchor="${anchor}">${Math.round(t)} ms</text>`;
  });
  return `<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-label="timeline of requests">
<text x="2" y="${10 + LANE}" class="axis">workers</text><text x="2" y="${dy + LANE - 1}" class="axis">callbacks</text>
${parts.join('\n')}
${axis.join('')}
</svg>`;
}

function faultRect(x0: number, x1: number, height: number, fault: HistoryRecord & { kind: 'fault' }): string {
  return `<rect class="fault-window" x="${x0.toFixed(1)}" y="0" width="${Math.max(2, x1 - x0).toFixed(1)}" height="${height - 16}" fill="#ffcdd2" opacity="0.55"><title>${esc(`${fault.type} on the ${fault.path ?? ''} proxy (${fault.toxic})`)}</title></rect>`;
}
