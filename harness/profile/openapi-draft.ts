import type { AmountEncoding } from '../config/profile-types.js';
import { refName, type OpenApiDocument, type OpenApiSchema } from './openapi-read.js';
import { draftWebhooks } from './openapi-webhooks.js';
import { draftRefundLedger } from './openapi-refund-ledger.js';
import {
  DraftBuilder, findAction, findCollection, findItem, jsonContent, operations, successSchema, templatePath, typeOf,
  type DraftNote, type Found,
} from './openapi-match.js';

/**
 * Drafts a profile from an OpenAPI 3 document. Every value it guesses carries a note saying from
 * what; every value it cannot know is a `TODO …` string, which profile validation reports, located,
 * until someone fills it in. A wrong mapping gives wrong verdicts, so nothing is guessed silently.
 */
export interface ProfileDraft {
  profile: Record<string, unknown>;
  notes: DraftNote[];
  /** Paths of values left as TODO. */
  todos: (string | number)[][];
  /** Sections left out, as commented blocks for the end of the draft (what to fill in, and an example). */
  commented: string[][];
}

/** A request field carrying the amount (`amount`, `amount_to_capture`, `refund_amount`, `value`). */
const AMOUNT = /amount|^value$|^total$/i;
const REFERENCE = /reference|^ref$|merchant_ref|order_id|external_id|client_reference/i;
const PAYMENT_LINK = /^(payment|payment_id|payment_intent|charge|charge_id|transaction_id)$/i;
const IDEMPOTENCY = /idempot|^x-request-id$|^request-id$/i;
const INITIAL = /^(requires_capture|requires_payment_method|requires_confirmation|authori[sz]ed|pending|created|succeeded|captured|paid|processing)$/i;
const TERMINAL = /^(canceled|cancelled|voided|void|refunded|failed|declined|expired|reversed)$/i;

/** How a schema writes an amount, when it can be told. */
function amountEncoding(b: DraftBuilder, schema: OpenApiSchema | undefined): { encoding: AmountEncoding; why: string } | undefined {
  const s = b.resolve(schema);
  const type = typeOf(s);
  if (type === 'integer') return { encoding: { kind: 'minor' }, why: 'an integer: minor units' };
  if (type === 'string') return { encoding: { kind: 'decimal-string' }, why: 'a string: a decimal with the currency\'s exponent' };
  if (type === 'number') {
    return /minor|cent|smallest/i.test(s?.description ?? '')
      ? { encoding: { kind: 'minor' }, why: 'a number described as minor units' }
      : { encoding: { kind: 'decimal-number' }, why: 'a number: a decimal with the currency\'s exponent' };
  }
  if (type === 'object' || s?.properties) {
    const valueField = b.property(s, ['value', 'amount', 'units'], /value|amount/i);
    const currencyField = b.property(s, ['currency', 'currency_code'], /currency/i);
    if (!valueField) return undefined;
    const inner = amountEncoding(b, b.propertySchema(s, valueField));
    const value = inner && inner.encoding.kind !== 'object' ? inner.encoding.kind : 'decimal-string';
    return { encoding: { kind: 'object', value, valueField, currencyField: currencyField ?? 'currency' }, why: `an object {${valueField}, ${currencyField ?? 'currency'}}` };
  }
  return undefined;
}

/** The request body of an operation as a template, and what was learnt on the way (amount field, currency case). */
function bodyOf(
  b: DraftBuilder, f: Found, at: (string | number)[], draft: Record<string, unknown>, idempotencyField?: string,
): { body?: Record<string, unknown>; amountFormat?: AmountEncoding } {
  const content = jsonContent(f.op.requestBody?.content);
  const schema = b.resolve(content?.schema);
  if (!schema?.properties) return {};
  const body: Record<string, unknown> = {};
  let amountFormat: AmountEncoding | undefined;
  const skipped: string[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, raw] of Object.entries(schema.properties)) {
    const prop = b.resolve(raw);
    const path = [...at, 'body', name];
    if (name === idempotencyField) continue;
    if (AMOUNT.test(name)) {
      body[name] = '{amount}';
      const format = amountEncoding(b, prop);
      if (format) {
        amountFormat = format.encoding;
        b.note(path, `guessed: ${name} is ${format.why}`);
        // An amount object carries its currency: its spelling tells how the API writes currencies.
        if (format.encoding.kind === 'object') learnCurrency(b, b.propertySchema(prop, format.encoding.currencyField ?? 'currency'), draft, path);
      }
    } else if (/^currency(_code)?$/i.test(name)) {
      body[name] = '{currency}';
      learnCurrency(b, prop, draft, path);
    } else if (PAYMENT_LINK.test(name) && !f.path.includes('{')) {
      // Refunds as their own resource (`POST /v1/refunds {payment_intent}`) name the payment in the body.
      body[name] = '{id}';
      b.note(path, `guessed: ${name} names the payment this operation acts on`);
    } else if (REFERENCE.test(name)) {
      body[name] = '{reference}';
      b.note(path, `guessed: ${name} carries the flow's reference (the list operation finds payments by it)`);
    } else if (/capture/i.test(name) && at[1] === 'create') {
      body[name] = '{captureMode}';
      learnCaptureMode(b, name, prop, draft, path);
    } else if (required.has(name)) {
      body[name] = b.todo(path, `value for ${name} (${typeOf(prop) ?? 'see the API docs'}), required by the API`);
    } else skipped.push(name);
  }
  if (skipped.length) b.note([...at, 'body'], `left out optional fields: ${skipped.join(', ')}`);
  return { body, ...(amountFormat ? { amountFormat } : {}) };
}

function learnCurrency(b: DraftBuilder, prop: OpenApiSchema | undefined, draft: Record<string, unknown>, path: (string | number)[]): void {
  const sample = [prop?.example, prop?.default, ...(prop?.enum ?? [])].find((v): v is string => typeof v === 'string' && /^[A-Za-z]{3}$/.test(v));
  const lower = sample ? sample === sample.toLowerCase() : prop?.pattern?.includes('a-z') === true && !prop.pattern.includes('A-Z');
  if (lower) {
    draft.placeholders = { ...(draft.placeholders as object), currency: { case: 'lower' } };
    b.note(['placeholders'], `guessed: the API writes currencies in lower case (${sample ?? prop?.pattern})`);
  }
  if (sample && draft.currency === undefined) {
    draft.currency = sample.toUpperCase();
    b.note(['currency'], `guessed from the currency field's example/enum (${sample}); the workload pays in it`);
  }
  b.note(path, 'guessed: the currency field');
}

function learnCaptureMode(b: DraftBuilder, name: string, prop: OpenApiSchema | undefined, draft: Record<string, unknown>, path: (string | number)[]): void {
  let map: Record<string, unknown> | undefined;
  if (typeOf(prop) === 'boolean') {
    const manual = /manual|delay/i.test(name);
    map = { automatic: !manual, manual };
  } else if (prop?.enum?.length) {
    const automatic = prop.enum.find((v) => /auto|immediate|sale/i.test(String(v)));
    const manual = prop.enum.find((v) => /manual|delay|auth/i.test(String(v)));
    if (automatic !== undefined && manual !== undefined) map = { automatic, manual };
  }
  const placeholders = { ...(draft.placeholders as object) } as Record<string, unknown>;
  placeholders.captureMode = map ? { map } : { map: b.todo(['placeholders', 'captureMode', 'map'], `map automatic/manual to ${name}'s values`) };
  draft.placeholders = placeholders;
  b.note(path, `guessed: ${name} chooses automatic or manual capture${map ? ` (${JSON.stringify(map)})` : ''}`);
}

function headers(doc: OpenApiDocument, b: DraftBuilder): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, scheme] of Object.entries(doc.components?.securitySchemes ?? {})) {
    if (scheme.type === 'http' && /bearer/i.test(scheme.scheme ?? '')) out.Authorization = 'Bearer ${API_KEY}';
    else if (scheme.type === 'http' && /basic/i.test(scheme.scheme ?? '')) out.Authorization = 'Basic ${API_CREDENTIALS_BASE64}';
    else if (scheme.type === 'apiKey' && scheme.in === 'header' && scheme.name) out[scheme.name] = '${API_KEY}';
    else continue;
    b.note(['headers'], `from security scheme "${name}"; set the variable before a run`);
  }
  return out;
}

function idempotency(b: DraftBuilder, all: Found[], create: Found | undefined): { spec: Record<string, unknown>; bodyField?: string } {
  for (const f of [create, ...all].filter((x): x is Found => x !== undefined && x.method === 'post')) {
    const param = f.op.parameters?.find((p) => p.in === 'header' && IDEMPOTENCY.test(p.name));
    if (param) {
      b.note(['idempotency', 'name'], `from the ${param.name} header parameter of ${f.method.toUpperCase()} ${f.path}`);
      return { spec: { in: 'header', name: param.name, required: param.required === true } };
    }
  }
  const bodyField = create ? b.property(jsonContent(create.op.requestBody?.content)?.schema, [], /idempot/i) : undefined;
  if (bodyField) {
    b.note(['idempotency', 'name'], `from the ${bodyField} field of the create body`);
    return { spec: { in: 'body', name: bodyField, required: true }, bodyField };
  }
  return { spec: { in: 'header', name: b.todo(['idempotency', 'name'], 'the idempotency key header (none found in the document)'), required: true } };
}

function responseFields(b: DraftBuilder, schema: OpenApiSchema | undefined, draft: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const pick = (key: string, exact: string[], pattern?: RegExp): void => {
    const name = b.property(schema, exact, pattern);
    if (name) {
      fields[key] = `$.${name}`;
      b.note(['fields', key], `guessed from the response property ${name}`);
    }
  };
  pick('id', ['id', 'payment_id', 'charge_id', 'transaction_id'], /_id$/);
  pick('status', ['status', 'state']);
  pick('amount', ['amount', 'value', 'total']);
  pick('amountCaptured', ['amount_captured', 'captured_amount', 'amount_received'], /captured/i);
  pick('amountRefunded', ['amount_refunded', 'refunded_amount'], /refunded/i);
  pick('currency', ['currency', 'currency_code']);
  pick('reference', [], REFERENCE);
  for (const key of ['id', 'status', 'amount']) if (!fields[key]) fields[key] = b.todo(['fields', key], `JSON path of the payment's ${key}`);
  const amountName = typeof fields.amount === 'string' && fields.amount.startsWith('$.') ? fields.amount.slice(2) : undefined;
  const format = amountName ? amountEncoding(b, b.propertySchema(schema, amountName)) : undefined;
  if (format) {
    draft.amountFormat = format.encoding;
    b.note(['amountFormat'], `guessed: the answer's ${amountName} is ${format.why}`);
    // Totals written another way than the amount (strings beside an amount object) get their own format.
    const overrides: Record<string, AmountEncoding> = {};
    for (const key of ['amountCaptured', 'amountRefunded'] as const) {
      const path = fields[key];
      const own = typeof path === 'string' ? amountEncoding(b, b.propertySchema(schema, path.slice(2))) : undefined;
      if (own && JSON.stringify(own.encoding) !== JSON.stringify(format.encoding)) {
        overrides[key] = own.encoding;
        b.note(['amountFormat', 'fields'], `guessed: ${path} is ${own.why}`);
      }
    }
    if (Object.keys(overrides).length) draft.amountFormat = { ...format.encoding, fields: overrides };
  }
  const currency = typeof fields.currency === 'string' ? b.propertySchema(schema, fields.currency.slice(2)) : undefined;
  if (currency) learnCurrency(b, currency, draft, ['fields', 'currency']);
  return fields;
}

function lifecycle(b: DraftBuilder, schema: OpenApiSchema | undefined, statusPath: unknown): Record<string, unknown> {
  const name = typeof statusPath === 'string' && statusPath.startsWith('$.') ? statusPath.slice(2) : undefined;
  const states = (name ? b.propertySchema(schema, name)?.enum : undefined)?.map(String) ?? [];
  if (states.length === 0) {
    return {
      initial: [b.todo(['lifecycle', 'initial'], 'states a new payment may have')],
      transitions: b.todo(['lifecycle', 'transitions'], 'allowed moves, state: [next states]'),
      terminal: [b.todo(['lifecycle', 'terminal'], 'states that never change')],
    };
  }
  const initial = states.filter((s) => INITIAL.test(s));
  const terminal = states.filter((s) => TERMINAL.test(s));
  b.note(['lifecycle'], `the ${name} enum has states: ${states.join(', ')}`);
  b.note(['lifecycle', 'initial'], 'guessed from state names: check which states a new payment may have');
  b.note(['lifecycle', 'terminal'], 'guessed from state names: check which states never change');
  return {
    initial: initial.length ? initial : [b.todo(['lifecycle', 'initial'], `pick from ${states.join(', ')}`)],
    transitions: b.todo(['lifecycle', 'transitions'], `allowed moves between ${states.join(', ')} (state: [next states])`),
    terminal,
  };
}

const slug = (title: string | undefined): string => (title ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
/** Drafts a profile from a loaded OpenAPI 3 document. */
export function draftProfile(doc: OpenApiDocument): ProfileDraft {
  const b = new DraftBuilder(doc);
  const all = operations(doc);
  const draft: Record<string, unknown> = { name: slug(doc.info?.title) || 'my-payment-api' };
  const collection = findCollection(all);
  const item = collection ? findItem(all, collection) : undefined;
  const create = collection ? all.find((f) => f.method === 'post' && f.path === collection) : undefined;
  const createType = create ? jsonContent(create.op.requestBody?.content)?.type : undefined;
  draft.encoding = createType && /form/.test(createType) ? 'form' : 'json';
  draft.headers = headers(doc, b);
  const idem = idempotency(b, all, create);
  draft.idempotency = idem.spec;
  const ops: Record<string, unknown> = {};
  draft.operations = ops;
  if (create) {
    ops.create = { method: 'POST', path: create.path, ...(bodyOf(b, create, ['operations', 'create'], draft, idem.bodyField)) };
    b.note(['operations', 'create'], `guessed: POST ${create.path}`);
  } else {
    ops.create = b.todo(['operations', 'create'], 'the operation creating a payment (no POST on a payments-like collection found)');
  }
  ops.get = item ? { method: 'GET', path: templatePath(item, item) } : b.todo(['operations', 'get'], 'the operation reading one payment');
  if (item) b.note(['operations', 'get'], `guessed: GET ${item}`);
  for (const [name, words] of [['capture', /capture/i], ['refund', /refund/i], ['cancel', /cancel|void|reverse/i]] as const) {
    const found = findAction(all, item, words);
    if (!found) continue;
    ops[name] = { method: found.method.toUpperCase(), path: templatePath(found.path, item), ...(bodyOf(b, found, ['operations', name], draft, idem.bodyField)) };
    b.note(['operations', name], `guessed: ${found.method.toUpperCase()} ${found.path}`);
  }
  const list = collection ? all.find((f) => f.method === 'get' && f.path === collection) : undefined;
  const refParam = list?.op.parameters?.find((p) => p.in === 'query' && REFERENCE.test(p.name));
  if (list && refParam) {
    ops.list = { method: 'GET', path: list.path, query: { [refParam.name]: '{reference}' } };
    b.note(['operations', 'list'], `guessed: GET ${list.path}?${refParam.name}=…`);
  }
  const payment = create ? successSchema(doc, create.op) : undefined;
  draft.fields = responseFields(b, payment, draft);
  addListAndRefundPaths(b, draft.fields as Record<string, unknown>, list, findAction(all, item, /refund/i), payment);
  draft.refundLedger = draftRefundLedger(b, all, item, findAction(all, item, /refund/i), draft.fields as Record<string, unknown>);
  draft.lifecycle = lifecycle(b, payment, (draft.fields as Record<string, unknown>).status);
  draft.currency ??= b.todo(['currency'], 'the ISO 4217 currency the workload pays in (upper case, e.g. EUR)');
  const responses = Object.keys(create?.op.responses ?? {});
  b.note(['idempotency'], `the create operation answers ${responses.join(', ') || 'nothing documented'}; 409 in flight and 422 mismatch are assumed — add \`errors\` rules when one status has several meanings (docs/profiles.md#errors)`);
  settleAmountFormats(b, draft, ops);
  const hooks = draftWebhooks(b, all, draft);
  if (hooks) draft.webhooks = hooks;
  return { profile: order(draft), notes: b.notes, todos: b.todos, commented: b.commented };
}

function addListAndRefundPaths(b: DraftBuilder, fields: Record<string, unknown>, list: Found | undefined, refund: Found | undefined, payment: OpenApiSchema | undefined): void {
  const listSchema = list ? b.resolve(successSchema(b.doc, list.op)) : undefined;
  if (typeOf(listSchema) === 'array') fields.listItems = '$';
  else {
    const items = Object.entries(listSchema?.properties ?? {}).find(([, s]) => typeOf(b.resolve(s)) === 'array')?.[0];
    if (items) fields.listItems = `$.${items}`;
  }
  if (fields.listItems) b.note(['fields', 'listItems'], 'guessed: the array in the list answer');
  const refundSchema = refund ? successSchema(b.doc, refund.op) : undefined;
  const paymentRef = refName(payment);
  if (refundSchema && paymentRef && refName(refundSchema) === paymentRef) fields.refundPayment = '$';
  else {
    const embedded = Object.entries(b.resolve(refundSchema)?.properties ?? {}).find(([n, s]) => (paymentRef && refName(s) === paymentRef) || /^payment$/i.test(n))?.[0];
    if (embedded) fields.refundPayment = `$.${embedded}`;
  }
  if (fields.refundPayment) b.note(['fields', 'refundPayment'], 'guessed: where a refund answer holds the payment');
}

/** One profile-wide amount format (the answers', else the create body's); an operation keeps its own only when it differs. */
function settleAmountFormats(b: DraftBuilder, draft: Record<string, unknown>, ops: Record<string, unknown>): void {
  const specs = Object.values(ops).filter((o): o is { amountFormat?: AmountEncoding } => typeof o === 'object' && o !== null);
  if (draft.amountFormat === undefined) {
    draft.amountFormat = specs.find((o) => o.amountFormat)?.amountFormat;
    if (draft.amountFormat) b.note(['amountFormat'], 'guessed from the create body\'s amount (the answers did not say)');
  }
  for (const spec of specs) if (JSON.stringify(spec.amountFormat) === JSON.stringify(draft.amountFormat)) delete spec.amountFormat;
}

/** Keys in the reference's order, so a draft reads like docs/profiles.md. */
function order(draft: Record<string, unknown>): Record<string, unknown> {
  const keys = ['name', 'encoding', 'headers', 'idempotency', 'currency', 'amountFormat', 'placeholders', 'operations', 'fields', 'refundLedger', 'errors', 'lifecycle', 'webhooks'];
  return Object.fromEntries(keys.filter((k) => draft[k] !== undefined).map((k) => [k, draft[k]]));
}
