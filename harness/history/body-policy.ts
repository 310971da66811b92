import type { ApiProfile, FieldPaths } from '../config/profile-types.js';
import type { OperationComplete, OperationInvoke } from './types.js';
import { readField } from '../workload/request.js';

/**
 * How much of each body a history keeps. `all`: every body as sent and received (chaos runs, short
 * runs). `evidence`: what the payment checks read and nothing more, so a soak run's history stays
 * small — request bodies only where the producer says a check compares them (keys it will send
 * twice), answer bodies projected to the fields the profile reads (id, status, amounts, currency,
 * reference, the refund's payment) unless they are errors (the error rules read codes in them) or
 * the producer asks to keep them whole.
 */
export type BodyMode = 'all' | 'evidence';

/** The payment fields whose values checks read from an answer (not listItems: lists are kept whole). */
const PAYMENT_FIELDS: readonly (keyof FieldPaths)[] = ['id', 'status', 'amount', 'amountCaptured', 'amountRefunded', 'currency', 'reference'];

/** Plain `$.a.b` paths only: projecting `$.data[0].id` would need array shapes, so such profiles keep bodies whole. */
const DOTTED = /^\$(\.[A-Za-z_$][\w$-]*)+$/;

function stepsOf(path: string): string[] | undefined {
  return DOTTED.test(path) ? path.slice(2).split('.') : undefined;
}

function put(target: Record<string, unknown>, steps: readonly string[], value: unknown): void {
  let cur = target;
  for (let i = 0; i < steps.length - 1; i++) {
    const next = cur[steps[i]!];
    cur = (next && typeof next === 'object' ? next : (cur[steps[i]!] = {})) as Record<string, unknown>;
  }
  cur[steps.at(-1)!] = value;
}

/** The answer paths a projection keeps for `op`, or undefined when one of them is not a plain dotted path. */
function keptPaths(profile: ApiProfile, op: OperationInvoke['op']): string[] | undefined {
  const fields = PAYMENT_FIELDS.map((f) => profile.fields[f]).filter((p): p is string => p !== undefined);
  if (op !== 'refund') return fields;
  const base = profile.fields.refundPayment;
  if (base === undefined) return [profile.fields.id];
  return [profile.fields.id, ...fields.map((p) => `${base}${p.slice(1)}`)];
}

/**
 * The answer body a history keeps in `evidence` mode: a 2xx JSON object projected to the fields
 * the checks read; anything else (errors, lists, text, paths that cannot be projected) whole.
 */
export function evidenceAnswerBody(profile: ApiProfile, op: OperationInvoke['op'], complete: Pick<OperationComplete, 'status' | 'body'>): unknown {
  const { status, body } = complete;
  if (status === undefined || status < 200 || status >= 300 || op === 'list' || !body || typeof body !== 'object' || Array.isArray(body)) return body;
  const paths = keptPaths(profile, op);
  const steps = paths?.map(stepsOf);
  if (!paths || !steps || steps.some((s) => s === undefined)) return body;
  const out: Record<string, unknown> = {};
  paths.forEach((p, i) => {
    const value = readField(body, p);
    if (value !== undefined) put(out, steps[i]!, value);
  });
  return out;
}
