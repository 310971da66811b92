import type { OpenApiSchema } from './openapi-read.js';
import { DraftBuilder, lastSegment, successSchema, templatePath, typeOf, type Found } from './openapi-match.js';

/**
 * The `refundLedger` of a drafted profile, for a payment that does not carry its refunded total:
 * refunds listed per payment (`GET /v1/refunds?payment_intent=`) are summed; otherwise the refund
 * answers the run saw are. Without either, a commented placeholder says what to fill in (refunded ≤
 * captured is then not judged: `money-invariants` says so rather than passing).
 */

const PAYMENT_QUERY = /^(payment|payment_id|payment_intent|charge|charge_id|transaction_id)$/i;
/** Refund states that mean the money went (or is going) back. */
const COUNTED = /^(succeeded|success|successful|pending|processing|completed|processed|refunded)$/i;

/** Where one refund object keeps its amount and status, with the statuses that count. */
function refundItem(b: DraftBuilder, schema: OpenApiSchema | undefined, at: string[]): Record<string, unknown> | undefined {
  const amount = b.property(schema, ['amount', 'value'], /amount/i);
  if (!amount) return undefined;
  const item: Record<string, unknown> = { amount: `$.${amount}` };
  b.note([...at, 'amount'], `guessed from the refund's ${amount} property (read with the profile's amountFormat)`);
  const status = b.property(schema, ['status', 'state']);
  const states = status ? b.propertySchema(schema, status)?.enum?.map(String) ?? [] : [];
  const counted = states.filter((s) => COUNTED.test(s));
  if (status && counted.length > 0) {
    item.status = `$.${status}`;
    item.counted = counted;
    b.note([...at, 'counted'], `guessed from the ${status} enum (${states.join(', ')}): the states whose money went back`);
  } else if (status) {
    b.note([...at, 'amount'], `every refund counts: ${status} lists no states; add status and counted if failed refunds are listed too`);
  }
  return item;
}

/** The GET listing refunds of one payment: a refunds collection filtered by a payment query parameter, or one under the payment. */
function findRefundList(all: Found[], item: string | undefined): { found: Found; query?: string } | undefined {
  for (const f of all.filter((x) => x.method === 'get' && /refund/i.test(lastSegment(x.path)))) {
    if (item && f.path.startsWith(`${item}/`)) return { found: f };
    const param = f.op.parameters?.find((p) => p.in === 'query' && PAYMENT_QUERY.test(p.name));
    if (param && !f.path.includes('{')) return { found: f, query: param.name };
  }
  return undefined;
}

/** Drafts `refundLedger` when the payment's answer has no refunded total (`fields.amountRefunded`) and the API refunds. */
export function draftRefundLedger(
  b: DraftBuilder, all: Found[], item: string | undefined, refund: Found | undefined, fields: Record<string, unknown>,
): Record<string, unknown> | undefined {
  if (fields.amountRefunded !== undefined || !refund) return undefined;
  const at = ['refundLedger'];
  const list = findRefundList(all, item);
  const listSchema = list ? b.resolve(successSchema(b.doc, list.found.op)) : undefined;
  const itemsName = typeOf(listSchema) === 'array' ? undefined : Object.entries(listSchema?.properties ?? {}).find(([, s]) => typeOf(b.resolve(s)) === 'array')?.[0];
  const itemsSchema = typeOf(listSchema) === 'array' ? listSchema?.items : itemsName ? b.propertySchema(listSchema, itemsName)?.items : undefined;
  const listed = list && (itemsName || typeOf(listSchema) === 'array') ? refundItem(b, itemsSchema, at) : undefined;
  if (list && listed) {
    const path = templatePath(list.found.path, item);
    b.note(at, `the payment's answer has no refunded total; refunds are listed by GET ${list.found.path}${list.query ? `?${list.query}=…` : ''}: the ledger sums them`);
    return {
      source: 'list',
      list: { method: 'GET', path, ...(list.query ? { query: { [list.query]: '{id}' } } : {}) },
      items: itemsName ? `$.${itemsName}` : '$',
      ...listed,
    };
  }
  const answer = b.resolve(successSchema(b.doc, refund.op));
  // A refund answer that is (or embeds) the payment has the payment's amount, not the refund's.
  const own = answer && fields.refundPayment === undefined ? refundItem(b, answer, at) : undefined;
  if (own) {
    b.note(at, `the payment's answer has no refunded total and no refund list was found: the ledger sums the refund answers a run sees (${refund.method.toUpperCase()} ${refund.path})`);
    return { source: 'answers', ...own };
  }
  b.placeholder([
    ' refundLedger: the payment\'s answer has no refunded total (no amount_refunded-like field), and no refund',
    ' list or refund answer with an amount was found, so refunded ≤ captured will not be judged. Declare where',
    ' the total comes from (docs/profiles.md#refund-ledger), e.g.:',
    ' refundLedger:',
    '   source: list',
    '   list: {method: GET, path: /v1/refunds, query: {payment: "{id}"}}',
    '   items: $.data',
    '   amount: $.amount',
    '   status: $.status',
    '   counted: [succeeded, pending]',
  ]);
  return undefined;
}
