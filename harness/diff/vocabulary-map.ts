import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UsageError } from '../errors.js';
import type { VocabularyMap } from './types.js';

const SECTIONS = ['states', 'events', 'codes'] as const;

/**
 * Reads `--map FILE`: how the candidate names what the baseline names (`states: {succeeded: SETTLED}`),
 * one section each for states, event types and error codes. Every problem is reported at once.
 */
export function loadVocabularyMap(file: string): VocabularyMap {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError('E_DIFF_MAP_READ', `cannot read --map ${file}: ${(error as Error).message}`, { hint: 'pass a YAML file with states:, events: and/or codes: sections' });
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new UsageError('E_DIFF_MAP', `--map ${file} is not YAML: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  const map: VocabularyMap = {};
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) problems.push('the file must be a mapping with states:, events: and/or codes:');
  else {
    for (const [section, value] of Object.entries(doc as Record<string, unknown>)) {
      if (!(SECTIONS as readonly string[]).includes(section)) {
        problems.push(`unknown section "${section}" (expected ${SECTIONS.join(', ')})`);
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        problems.push(`${section}: must map the baseline's names to the candidate's (${section === 'states' ? 'succeeded: SETTLED' : 'name: other_name'})`);
        continue;
      }
      const entries = Object.entries(value as Record<string, unknown>);
      const bad = entries.filter(([, v]) => typeof v !== 'string' && typeof v !== 'number');
      for (const [k] of bad) problems.push(`${section}.${k}: the candidate's name must be a string`);
      const seen = new Map<string, string>();
      for (const [k, v] of entries) {
        const theirs = String(v);
        if (seen.has(theirs)) problems.push(`${section}: "${theirs}" is the candidate's name for both "${seen.get(theirs)}" and "${k}"; one name cannot mean two things`);
        seen.set(theirs, k);
      }
      map[section as (typeof SECTIONS)[number]] = Object.fromEntries(entries.map(([k, v]) => [k, String(v)]));
    }
  }
  if (problems.length) {
    throw new UsageError('E_DIFF_MAP', `--map ${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n  ${problems.join('\n  ')}`, {
      hint: 'e.g.\nstates: {succeeded: SETTLED, canceled: VOIDED}\nevents: {payment.captured: charge.settled}',
    });
  }
  return map;
}
