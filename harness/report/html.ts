import type { ApiProfile } from '../config/profile-types.js';
import type { HistoryRecord, RunStart } from '../history/types.js';
import type { CheckVerdict } from '../checks/types.js';
import type { Reporter } from './types.js';
import { CHECKS } from '../checks/index.js';
import { checkDescription } from '../checks/check-description.js';
import { esc } from './html-escape.js';
import { renderTimeline } from './html-timeline.js';
import { renderRetrySchedule } from './html-retries.js';
import { judgedText, notJudgedAtAll, verdictLabel } from './judged-text.js';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#212121;background:#fafafa}
header{padding:18px 28px;color:#fff}
header.pass{background:#2e7d32}header.fail{background:#c62828}header.unknown{background:#6d4c41}
header h1{margin:0;font-size:22px}header p{margin:4px 0 0}
main{padding:8px 28px 40px;max-width:1100px}
section.scenario{background:#fff;border:1px solid #e0e0e0;border-radius:6px;padding:12px 18px;margin:18px 0}
h2{font-size:18px;margin:6px 0}h3{font-size:15px;margin:14px 0 6px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;text-transform:uppercase}
.badge.pass{background:#2e7d32}.badge.fail{background:#c62828}.badge.unknown{background:#6d4c41}
.badge.not-judged{background:#fff;color:#6d4c41;border:1px dashed #6d4c41}
.judged{font-weight:600;color:#424242}ul.not-judged{margin:2px 0 0;padding-left:16px;color:#6d4c41}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top}
.muted{color:#757575}.axis{font-size:10px;fill:#616161}
ul.witnesses{margin:4px 0 8px 0;padding-left:18px}ul.witnesses li{margin:3px 0}
pre{background:#f5f5f5;padding:8px;overflow:auto;max-height:260px;font-size:12px}
.problems{background:#fff;border:1px solid #e0e0e0;border-left:5px solid #c62828;border-radius:6px;padding:8px 18px;margin:12px 0}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:10px;margin-right:4px;vertical-align:middle}
`;

/** Progressive enhancement only: expand every witness with one click. The page works without it. */
const JS = `document.addEventListener('DOMContentLoaded',function(){var b=document.getElementById('expand');if(!b)return;b.addEventListener('click',function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});});});`;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A verdict badge; an undecided check that judged nothing is drawn hollow and says "not judged". */
function badge(c: CheckVerdict): string {
  return `<span class="badge ${c.verdict}${notJudgedAtAll(c) ? ' not-judged' : ''}">${esc(verdictLabel(c))}</span>`;
}

/** What the check judged and, item by item, what it could not judge and why. */
function judgedCell(c: CheckVerdict): string {
  const judged = judgedText(c);
  const skipped = c.notJudged?.length
    ? `<div class="muted">not judged:</div><ul class="not-judged">${c.notJudged.map((n) => `<li>${esc(n.reason)}: ${esc(n.count)}</li>`).join('')}</ul>`
    : '';
  const stats = c.stats ? `<div>${Object.entries(c.stats).map(([k, v]) => `${esc(k)} ${esc(v)}`).join(', ')}</div>` : '';
  return `${judged ? `<div class="judged">${esc(judged)}</div>` : ''}${skipped}${stats}`;
}

function checkRow(c: CheckVerdict, profile: ApiProfile | undefined): string {
  const check = CHECKS.find((k) => k.name === c.name);
  const description = check ? checkDescription(check, profile) : '';
  const witnesses = c.witnesses.length
    ? `<ul class="witnesses">${c.witnesses.map((w) => `<li class="witness">${esc(w.summary)}<details><summary>${w.records.length} record${w.records.length === 1 ? '' : 's'}</summary><pre>${esc(w.records.map((r) => JSON.stringify(r)).join('\n'))}</pre></details></li>`).join('')}</ul>`
    : '';
  return `<tr class="check check-${c.verdict}"><td>${badge(c)}</td><td><b>${esc(c.name)}</b><div class="muted">${esc(description)}</div>${c.error ? `<div>${esc(c.error)}</div>` : ''}${witnesses}</td><td class="muted">${judgedCell(c)}</td></tr>`;
}

/** At the top of a report that did not pass: each failing or undecided check with its first witnesses, in sentences. */
function renderProblems(scenarios: readonly { name: string; checks: readonly CheckVerdict[] }[]): string {
  const items = scenarios.flatMap((s) =>
    s.checks
      .filter((c) => c.verdict !== 'pass')
      .map((c) => {
        const shown = c.witnesses.slice(0, 3).map((w) => `<li>${esc(w.summary)}</li>`).join('');
        const more = c.witnesses.length > 3 ? `<li class="muted">and ${c.witnesses.length - 3} more in the scenario below</li>` : '';
        return `<li class="problem">${badge(c)} <b>${esc(c.name)}</b> in <a href="#scenario-${esc(s.name)}">${esc(s.name)}</a>${c.error ? `: ${esc(c.error)}` : ''}<ul class="witnesses">${shown}${more}</ul></li>`;
      }),
  );
  return items.length ? `<section class="problems"><h2>What failed or was not judged</h2><ul>${items.join('')}</ul></section>` : '';
}

/** `report.html`: one self-contained page (inline CSS, JS and SVG; nothing fetched) a person can read. */
export const htmlReporter: Reporter = {
  name: 'html',
  file: 'report.html',
  render({ history, verdict }) {
    const run = history.find((r): r is RunStart => r.kind === 'run');
    const profile = (run?.meta as { profile?: ApiProfile } | undefined)?.profile;
    const byScenario = new Map<string, HistoryRecord[]>();
    for (const s of verdict.scenarios) byScenario.set(s.name, []);
    for (const r of history) if (r.scenario !== undefined) byScenario.get(r.scenario)?.push(r);
    // Failing scenarios first: a person opens the report to see what broke.
    const rank = { fail: 0, unknown: 1, pass: 2 } as const;
    const ordered = [...verdict.scenarios].sort((a, b) => rank[a.verdict] - rank[b.verdict]);
    const sections = ordered.map((s) => {
      const records = byScenario.get(s.name) ?? [];
      const failing = s.checks.filter((c) => c.verdict !== 'pass').length;
      return `<section class="scenario" id="scenario-${esc(s.name)}">
<h2><span class="badge ${s.verdict}">${s.verdict}</span> ${esc(s.name)}</h2>
<p class="muted">${plural(records.filter((r) => r.kind === 'invoke').length, 'request')}, ${plural(records.filter((r) => r.kind === 'delivery').length, 'callback')}, ${plural(records.filter((r) => r.kind === 'fault' && r.phase === 'start').length, 'fault')}; ${failing ? `${failing} check${failing === 1 ? '' : 's'} not passing` : 'every check passed'}.</p>
<h3>Timeline</h3>
<p class="legend"><span><i style="background:#2e7d32"></i>ok</span><span><i style="background:#ef6c00"></i>fail</span><span><i style="background:#8e24aa"></i>info (unknown effect)</span><span><i style="background:#ffcdd2"></i>fault active</span><span><i style="background:#1565c0"></i>callback accepted</span><span><i style="background:#c62828"></i>callback refused</span></p>
${renderTimeline(records)}
<h3>Callback retries against the promised schedule</h3>
${renderRetrySchedule(records, profile)}
<h3>Checks</h3>
<table><thead><tr><th>verdict</th><th>check and witnesses</th><th>judged</th></tr></thead><tbody>${s.checks.map((c) => checkRow(c, profile)).join('')}</tbody></table>
</section>`;
    });
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>payharness chaos: ${esc(verdict.verdict)} (${esc(verdict.runId)})</title>
<style>${CSS}</style></head>
<body>
<header class="${esc(verdict.verdict)}"><h1>Chaos run ${esc(verdict.verdict.toUpperCase())}${verdict.interrupted ? ' (interrupted, partial history)' : ''}</h1>
<p>run ${esc(verdict.runId)} · seed ${esc(verdict.seed)} (replay with <code>--seed ${esc(verdict.seed)}</code>) · started ${esc(run?.startedAt ?? '?')} · target ${esc((run?.meta as { target?: string } | undefined)?.target ?? '?')}</p></header>
<main>
${renderProblems(verdict.scenarios)}
<p><button id="expand" type="button">Expand all witnesses</button></p>
<table><thead><tr><th>scenario</th><th>verdict</th><th>checks</th></tr></thead><tbody>
${verdict.scenarios.map((s) => `<tr><td><a href="#scenario-${esc(s.name)}">${esc(s.name)}</a></td><td><span class="badge ${s.verdict}">${s.verdict}</span></td><td>${s.checks.map((c) => `${esc(c.name)}: ${esc(verdictLabel(c))}${judgedText(c) ? ` (${esc(judgedText(c)!)})` : ''}`).join(' · ')}</td></tr>`).join('\n')}
</tbody></table>
${sections.join('\n')}
</main>
<script>${JS}</script>
</body></html>
`;
  },
};
