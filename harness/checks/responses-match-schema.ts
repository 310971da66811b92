import type { HistoryRecord, OperationComplete, OperationInvoke } from '../history/types.js';
import type { Check, Witness } from './types.js';
import { schemaProblems, type SchemaName } from '../../contracts/schemas/index.js';

/** Which schema an answer must satisfy: success bodies by operation, errors as problem+json. */
function schemaFor(invoke: OperationInvoke, complete: OperationComplete): SchemaName | undefined {
  if (complete.status === undefined || complete.body === undefined || typeof complete.body !== 'object') return undefined;
  if (complete.status >= 400) return (complete.headers?.['content-type'] ?? '').includes('problem+json') || complete.status < 500 ? 'problem' : undefined;
  if (complete.status >= 300) return undefined;
  switch (invoke.op) {
    case 'create':
    case 'capture':
    case 'cancel':
    case 'get':
      return 'payment';
    case 'refund':
      return 'refund';
    case 'list':
      return 'paymentList';
    default:
      return undefined;
  }
}

/**
 * Every answer of the sandbox API has the shape `contracts/schemas` describes (the same schemas
 * the Pact consumer tests hold their examples to): payments, refunds, lists, problem+json errors.
 * The schemas describe the sandbox's API, so other profiles get `unknown`.
 */
const PARTIAL = 'the history kept only the payment fields of the answer (evidence bodies); a load run keeps whole bodies when its scenario lists this check, or with --full-bodies';

export const responsesMatchSchema: Check = {
  name: 'responses-match-schema',
  readsWholeAnswers: true,
  runKinds: ['contracts'],
  description: 'every answer matches the JSON Schema of contracts/schemas (payment, refund, list, problem+json); sandbox profile only',
  inapplicable(profile) {
    return profile.name === 'sandbox' ? undefined : `contracts/schemas describe the sandbox API, not profile "${profile.name}"`;
  },
  run(history, context) {
    const inapplicable = this.inapplicable?.(context.profile);
    if (inapplicable) return { name: this.name, verdict: 'unknown', witnesses: [], error: inapplicable, judged: 0, unit: 'answers' };
    const invokes = new Map<number, OperationInvoke>();
    const witnesses: Witness[] = [];
    let checked = 0;
    let partial = 0;
    for (const r of history as readonly HistoryRecord[]) {
      if (r.kind === 'invoke') invokes.set(r.opId, r);
      if (r.kind !== 'complete') continue;
      const invoke = invokes.get(r.opId);
      const schema = invoke && schemaFor(invoke, r);
      if (!invoke || !schema) continue;
      // Only the payment fields were kept: the rest of the body is not missing, just not recorded.
      if (r.bodyKept === 'fields') {
        partial++;
        continue;
      }
      checked++;
      const problems = schemaProblems(schema, r.body);
      if (problems.length > 0 && witnesses.length < 20) {
        witnesses.push({ summary: `${invoke.op} #${r.opId} (${invoke.method} ${invoke.path}) answered ${r.status} with a body that is not a valid ${schema}: ${problems.slice(0, 3).join('; ')}`, records: [invoke, r] });
      }
    }
    const notJudged = partial ? { notJudged: [{ reason: PARTIAL, count: partial }] } : {};
    if (checked === 0) {
      const error = partial ? `no whole answer body to hold to a schema: ${PARTIAL}` : 'no answer with a body to hold to a schema (no payment, refund, list or error answer was recorded)';
      return { name: this.name, verdict: 'unknown', witnesses: [], error, stats: { checked }, judged: 0, unit: 'answers', ...notJudged };
    }
    return { name: this.name, verdict: witnesses.length > 0 ? 'fail' : 'pass', witnesses, stats: { checked }, judged: checked, unit: 'answers', ...notJudged };
  },
};
