import type { ApiProfile } from '../config/profile-types.js';
import { readField } from '../workload/request.js';
import { readAmount } from './amount-format.js';
import { redactJson } from '../redact.js';

/**
 * What `profile check` found, line by line: per operation the request it built and the status it
 * got, then per field path what it resolved to. `ok` resolved as expected; `missing` did not resolve;
 * `suspicious` resolved to something the profile says cannot be (a status outside the lifecycle, an
 * amount that does not round-trip, a replay that differs, a mismatch that was accepted).
 */
export type Mark = 'ok' | 'missing' | 'suspicious';

export interface CheckLine {
  /** The operation the line belongs to (`create`, `replay`, `callback`, …). */
  op: string;
  /** A field name (`status`), or `request` for the request/answer line. */
  what: string;
  /** The path read (`$.status`), when the line is about one. */
  path?: string;
  /** What it resolved to, as text. */
  value?: string;
  mark: Mark;
  /** Why a line is not ok, or what it was compared with. */
  note?: string;
}

/** A value as one short line of text (JSON, cut at 120 characters); card numbers and secrets masked first. */
export function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  const safe = redactJson(value);
  const text = typeof safe === 'string' ? safe : JSON.stringify(safe);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Every state the lifecycle names. */
export function lifecycleStates(profile: ApiProfile): Set<string> {
  const { initial, transitions, terminal } = profile.lifecycle;
  return new Set([...initial, ...terminal, ...Object.keys(transitions), ...Object.values(transitions).flat()]);
}

/** What to expect of one payment answer; amounts in minor units. */
export interface Expected {
  id?: string;
  amount?: number;
  amountCaptured?: number;
  amountRefunded?: number;
  reference?: string;
  /** The state before this operation: the new one must be reachable from it. */
  from?: string;
  /** The new state must be one of these (e.g. lifecycle.initial after create). */
  states?: readonly string[];
}

/** Reads every field path the profile declares from one payment answer and marks each. */
export function inspectPayment(profile: ApiProfile, op: string, payment: unknown, expected: Expected): { lines: CheckLine[]; status?: string; id?: string } {
  const lines: CheckLine[] = [];
  const f = profile.fields;
  const line = (what: string, path: string, value: unknown, mark: Mark, note?: string): void => {
    lines.push({ op, what, path, value: show(value), mark, ...(note ? { note } : {}) });
  };
  const rawId = readField(payment, f.id);
  const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : undefined;
  if (id === undefined) line('id', f.id, rawId, 'missing', 'no string or number there');
  else if (expected.id !== undefined && id !== expected.id) line('id', f.id, id, 'suspicious', `expected ${expected.id}`);
  else line('id', f.id, id, 'ok');

  const rawStatus = readField(payment, f.status);
  const status = typeof rawStatus === 'string' ? rawStatus : undefined;
  const states = lifecycleStates(profile);
  if (status === undefined) line('status', f.status, rawStatus, 'missing', 'no string there');
  else if (!states.has(status)) line('status', f.status, status, 'suspicious', `not a lifecycle state (${[...states].join(', ')})`);
  else if (expected.states && !expected.states.includes(status)) line('status', f.status, status, 'suspicious', `expected one of ${expected.states.join(', ')}`);
  else if (expected.from !== undefined && status !== expected.from && !(profile.lifecycle.transitions[expected.from] ?? []).includes(status)) {
    line('status', f.status, status, 'suspicious', `the lifecycle has no move ${expected.from} → ${status}`);
  } else line('status', f.status, status, 'ok');

  const amounts: [string, string | undefined, number | undefined][] = [
    ['amount', f.amount, expected.amount], ['amountCaptured', f.amountCaptured, expected.amountCaptured], ['amountRefunded', f.amountRefunded, expected.amountRefunded],
  ];
  for (const [what, path, want] of amounts) {
    if (!path) continue;
    const raw = readField(payment, path);
    const minor = readAmount(profile, payment, path);
    const decoded = `${show(raw)} → ${minor === undefined ? '?' : minor} minor units`;
    if (raw === undefined || raw === null) {
      // A total the API leaves out until it is non-zero is common; absent where nothing is expected is fine.
      if (want) lines.push({ op, what, path, value: show(raw), mark: 'missing', note: `expected ${want} minor units` });
      else lines.push({ op, what, path, value: show(raw), mark: 'ok', note: 'absent while nothing is expected' });
    } else if (minor === undefined || !Number.isInteger(minor)) {
      lines.push({ op, what, path, value: decoded, mark: 'suspicious', note: 'does not decode to whole minor units (check amountFormat)' });
    } else if (want !== undefined && minor !== want) {
      lines.push({ op, what, path, value: decoded, mark: 'suspicious', note: `expected ${want} minor units: the amount does not round-trip (check amountFormat)` });
    } else lines.push({ op, what, path, value: decoded, mark: 'ok' });
  }
  if (f.currency) {
    const raw = readField(payment, f.currency);
    if (typeof raw !== 'string') line('currency', f.currency, raw, 'missing', 'no string there');
    else if (raw.toUpperCase() !== profile.currency) line('currency', f.currency, raw, 'suspicious', `expected ${profile.currency}`);
    else line('currency', f.currency, raw, 'ok');
  }
  if (f.reference && expected.reference !== undefined) {
    const raw = readField(payment, f.reference);
    if (raw === undefined || raw === null) line('reference', f.reference, raw, 'missing', `expected ${expected.reference}`);
    else if (raw !== expected.reference) line('reference', f.reference, raw, 'suspicious', `expected ${expected.reference}`);
    else line('reference', f.reference, raw, 'ok');
  }
  return { lines, status, id };
}

/** The report as text: one line per finding, failures explained, then a summary. */
export function formatLines(lines: readonly CheckLine[]): string {
  const out: string[] = [];
  let op = '';
  for (const l of lines) {
    if (l.op !== op) {
      out.push(l.op);
      op = l.op;
    }
    const mark = l.mark.padEnd(10);
    const subject = l.path ? `${l.what} ${l.path}` : l.what;
    out.push(`  ${mark} ${subject}${l.value !== undefined ? ` = ${l.value}` : ''}${l.note ? `  (${l.note})` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
