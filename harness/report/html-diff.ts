import type { DiffVerdictFile, DifferenceGroup } from '../diff/types.js';
import { esc } from './html-escape.js';

/**
 * `report.html` of a differential run: the verdict, each difference with the two exchanges side by
 * side, what was classified as noise, and each check on every side. Each side's own report (timeline,
 * retries, checks) is one link away in its directory. Self-contained: nothing is fetched.
 */

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#212121;background:#fafafa}
header{padding:18px 28px;color:#fff}header.pass{background:#2e7d32}header.fail{background:#c62828}header.unknown{background:#6d4c41}
header h1{margin:0;font-size:22px}header p{margin:4px 0 0}main{padding:8px 28px 40px;max-width:1300px}
section{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:12px 18px;margin:18px 0}
h2{font-size:18px;margin:6px 0}h3{font-size:15px;margin:14px 0 6px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;text-transform:uppercase}
.badge.pass{background:#2e7d32}.badge.fail{background:#c62828}.badge.unknown{background:#6d4c41}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top}
table.side-by-side{table-layout:fixed}td.side{width:50%}.muted{color:#757575}
td.side pre{white-space:pre-wrap;word-break:break-all}
pre{background:#f5f5f5;padding:8px;overflow:auto;max-height:320px;font-size:12px;margin:0}
tr.regression td,tr.undecided td{background:#ffebee}
`;

const json = (records: readonly unknown[]): string => records.map((r) => JSON.stringify(r)).join('\n');

function differenceSection(d: DifferenceGroup): string {
  const values = d.values.map((v) => `<li><code>${esc(v.baseline)}</code> → <code>${esc(v.other)}</code>: ${v.count}</li>`).join('');
  const witnesses = d.witnesses.map((w) => `<h3>${esc(w.key)}: <code>${esc(w.baseline)}</code> → <code>${esc(w.other)}</code></h3>
<table class="side-by-side"><thead><tr><th>baseline</th><th>candidate</th></tr></thead><tbody><tr>
<td class="side"><pre>${esc(json(w.baselineRecords))}</pre></td><td class="side"><pre>${esc(json(w.otherRecords))}</pre></td></tr></tbody></table>`).join('\n');
  return `<section class="difference"><h2><span class="badge fail">differs</span> ${esc(d.kind)} · ${esc(d.field)}</h2>
<p>${d.count} of ${d.compared} ${esc(d.kind)} operations differ in <b>${esc(d.field)}</b>:</p><ul>${values}</ul>
${witnesses}</section>`;
}

/** The diff page; `verdict` is the differential run's verdict.json. */
export function renderDiffHtml(verdict: DiffVerdictFile): string {
  const sides = verdict.sides.map((s) => `<tr><td><b>${esc(s.name)}</b></td><td>${esc(s.target)}</td><td>${esc(s.profile)}</td>
<td><span class="badge ${esc(s.verdict)}">${esc(s.verdict)}</span></td><td><a href="${esc(s.dir)}/report.html">${esc(s.dir)}/report.html</a></td></tr>`).join('\n');
  const compared = Object.entries(verdict.compared).map(([kind, n]) => `${esc(kind)} ${n}`).join(' · ') || 'nothing';
  const noise = verdict.noise.length
    ? `<table><thead><tr><th>operation</th><th>field</th><th>baselines differed</th><th>values seen</th><th>candidate differences it explains</th></tr></thead><tbody>${verdict.noise.map((n) => `<tr><td>${esc(n.kind)}</td><td>${esc(n.field)}</td><td>${n.count} of ${n.compared}${n.unstable ? ' (unstable: every value is noise)' : ''}</td><td>${n.values.slice(0, 3).map((v) => `<code>${esc(v.baseline)}</code> ↔ <code>${esc(v.other)}</code> ×${v.count}`).join('<br>')}</td><td>${n.absorbed}</td></tr>`).join('')}</tbody></table>`
    : '<p class="muted">The two baseline runs agreed on every field: nothing was classified as noise.</p>';
  const checks = verdict.checks.map((c) => `<tr class="${esc(c.status)}"><td>${esc(c.scenario)}</td><td>${esc(c.check)}</td><td>${esc(c.baseline)}</td><td>${esc(c.baseline2 ?? '—')}</td><td>${esc(c.candidate)}</td><td>${esc(c.status)}${c.detail ? `<div class="muted">${esc(c.detail)}</div>` : ''}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>payharness diff: ${esc(verdict.verdict)}</title><style>${CSS}</style></head>
<body>
<header class="${esc(verdict.verdict)}"><h1>Differential run ${esc(verdict.verdict.toUpperCase())}${verdict.interrupted ? ' (interrupted, partial)' : ''}</h1>
<p>seed ${esc(verdict.seed)} (replay with <code>--seed ${esc(verdict.seed)}</code>) · compared: ${compared}</p></header>
<main>
${verdict.reasons.length ? `<section><h2>Why it is not a pass</h2><ul>${verdict.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul></section>` : ''}
<section><h2>Sides</h2><table><thead><tr><th>side</th><th>target</th><th>profile</th><th>its own checks</th><th>its report</th></tr></thead><tbody>${sides}</tbody></table>
${verdict.notCompared.map((n) => `<p class="muted">Not compared: ${esc(n.reason)}.</p>`).join('')}</section>
<section id="differences"><h2>Differences beyond noise: ${verdict.differences.length}</h2>
${verdict.differences.length ? '' : '<p>The candidate did what the baseline did, operation by operation, beyond what differs between two runs of the baseline itself.</p>'}</section>
${verdict.differences.map(differenceSection).join('\n')}
<section id="noise"><h2>Noise: what differed between the two baseline runs</h2>${noise}</section>
<section id="checks"><h2>Checks on every side</h2><table><thead><tr><th>scenario</th><th>check</th><th>baseline</th><th>baseline-2</th><th>candidate</th><th>meaning</th></tr></thead><tbody>${checks}</tbody></table></section>
</main></body></html>
`;
}
