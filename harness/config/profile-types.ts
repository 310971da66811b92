/**
 * An API profile: how to call one payment API. Loaded from YAML (camelCase keys) and validated;
 * the sandbox's profile is built in (`sandbox-profile.ts`). Nothing in the harness may assume the
 * sandbox's shape beyond what a profile says.
 */

/** A request template. Path and body values may hold `{name}` placeholders (id, amount, currency, reference). */
export interface OperationSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** e.g. `/v1/payments/{id}/capture`. */
  path: string;
  /** Body fields; a value that is exactly `"{amount}"` is replaced by the typed value. Nested objects allowed. */
  body?: Record<string, unknown>;
  /** Query parameters, same placeholders. */
  query?: Record<string, string>;
  /** Statuses that mean success; default any 2xx. */
  successStatus?: number[];
  /** How `{amount}` is written in this operation, when it differs from the profile's `amountFormat`. */
  amountFormat?: AmountEncoding;
}

/** How an amount is written: minor-unit integer, decimal with the currency's exponent, or a `{value, currency}` object. */
export type AmountKind = 'minor' | 'decimal-string' | 'decimal-number' | 'object';

export interface AmountEncoding {
  kind: AmountKind;
  /** For `object`: how the value inside is written (default `decimal-string`). */
  value?: Exclude<AmountKind, 'object'>;
  /** For `object`: the field holding the value (default `value`). */
  valueField?: string;
  /** For `object`: the field holding the currency (default `currency`). */
  currencyField?: string;
}

/** The profile-wide amount format, with per-response-field overrides and currency exponents. */
export interface AmountFormatSpec extends AmountEncoding {
  /** ISO 4217 exponents to add or override (`{XTS: 2}`); built-in table otherwise, 2 when unknown. */
  exponents?: Record<string, number>;
  /** Per response field (`amount`, `amountCaptured`, `amountRefunded`): a different format. */
  fields?: Partial<Record<AmountField, AmountEncoding>>;
}

export type AmountField = 'amount' | 'amountCaptured' | 'amountRefunded';

/** How one placeholder's value is written: a map from the harness's value to the API's, and/or a letter case. */
export interface PlaceholderSpec {
  /** e.g. captureMode `{automatic: true, manual: false}`; values not in the map are sent as they are. */
  map?: Record<string, unknown>;
  /** Letter case of string values after mapping (currency `lower` → `eur`). */
  case?: 'lower' | 'upper';
  /** A list (`{events}`) written as one string joined by this (`","`), instead of a list. */
  join?: string;
}

/** What an error answer means to the checks. */
export type ErrorClass = 'in-flight' | 'mismatch' | 'invalid-state' | 'not-found' | 'validation';

/** One rule: an answer with this status (and, when given, this code at `codePath`) belongs to `class`. */
export interface ErrorRule {
  status: number | number[];
  /** JSON path to the API's error code in the body (`$.error.code`). */
  codePath?: string;
  /** The code (or codes) at codePath; with codePath but no code, any value there matches. */
  code?: string | string[];
  class: ErrorClass;
}

/** Where to read fields in a payment response: simple JSON paths (`$.id`, `$.data[0].id`, `$.amounts.captured`). */
export interface FieldPaths {
  id: string;
  status: string;
  amount: string;
  amountCaptured?: string;
  amountRefunded?: string;
  currency?: string;
  reference?: string;
  /** In a list response: the path to the array of payments (`$.data`). */
  listItems?: string;
  /** In a refund response: the path to the payment after the refund (`$.payment`); absent → refund answers are not read as payment snapshots. */
  refundPayment?: string;
}

export interface IdempotencySpec {
  /** 'header': a request header; 'body': a body field. */
  in: 'header' | 'body';
  /** Header or field name, e.g. `Idempotency-Key` or `idempotency_key`. */
  name: string;
  /** The API answers 400 when it is missing. */
  required: boolean;
  /**
   * Status the API uses for "same key, different payload" (the IETF draft says 422). Optional in a
   * file: filled from `errors` rules of class `mismatch`, else 422.
   */
  mismatchStatus: number[];
  /** Status for "same key while the first is in flight"; filled from `errors` rules of class `in-flight`, else 409. */
  inFlightStatus: number[];
  /** Response header that marks a replay, if the API sets one (`Idempotent-Replayed`). */
  replayedHeader?: string;
  /**
   * How long the API keeps a key's stored answer, in seconds (Stripe: 24 h). A replay within it must
   * return the stored answer; a replay after it is not judged. Absent: every replay a run makes is judged.
   */
  retentionSeconds?: number;
}

export interface LifecycleSpec {
  /** States a freshly created payment may have. */
  initial: string[];
  /** Allowed moves: state → states reachable in one step. */
  transitions: Record<string, string[]>;
  /** States that never change again. */
  terminal: string[];
}

/** What the provider promises about retrying callbacks. Delays are in real (unscaled) milliseconds. */
export interface RetryPolicy {
  /** Delay before the 2nd attempt. */
  initialIntervalMs: number;
  /** Each later delay is the previous times this, capped at maxIntervalMs. */
  multiplier: number;
  maxIntervalMs: number;
  /** Jitter bound as a fraction: each delay lies within nominal × (1 ± jitter). */
  jitter: number;
  /** Total attempts including the first. */
  maxAttempts: number;
  /** A Retry-After from the receiver is honoured (the next attempt waits at least that long). */
  honoursRetryAfter: boolean;
  /** Receiver statuses whose Retry-After is honoured (`[429, 503]`); absent: every status's. */
  retryAfterStatuses?: number[];
  /** Receiver statuses after which the provider stops retrying (410 Gone). */
  stopOn: number[];
  /** Multiplies every delay (0.01 = 100× faster), as the provider runs in tests. */
  timeScale: number;
  /**
   * How long the provider waits for the receiver's answer before it counts the attempt as a transport
   * failure, in real milliseconds (not scaled: a receiver does not answer faster under a time scale).
   * Lets the checks see what the provider saw when the receiver answered late. Absent: not judged.
   */
  attemptTimeoutMs?: number;
  /**
   * Read the policy from the API's policy endpoint at run start (harness/profile/retry-policy-source.ts);
   * keys given beside `from` win over what the endpoint publishes.
   */
  from?: RetryPolicySource;
}

/** The policy keys an endpoint can publish. */
export type RetryPolicyKey = Exclude<keyof RetryPolicy, 'from'>;

/** Where an API publishes its retry policy: a GET path on the target, and a JSON path per policy key. */
export interface RetryPolicySource {
  /** e.g. `/v1/webhook_policy`; under the base path, sent with the profile's headers. */
  path: string;
  /** Policy key → JSON path in the answer (`initialIntervalMs: $.initial_interval_ms`). Times in ms. */
  fields: Partial<Record<RetryPolicyKey, string>>;
}

export interface WebhookSpec {
  /** How to register an endpoint: body placeholders `{url}` and `{events}`. */
  register: OperationSpec;
  /** Where the registration answer holds the signing secret. */
  secretPath: string;
  /**
   * Signature scheme: Standard Webhooks (`webhook-id/-timestamp/-signature`), Stripe (`Stripe-Signature`),
   * or a declared HMAC scheme (harness/webhooks/hmac-signature.ts).
   */
  signature: 'standard-webhooks' | 'stripe' | 'none' | HmacSignatureSpec;
  /** JSON paths in the event payload. */
  eventIdPath: string;
  eventTypePath: string;
  /** Path to the payment id inside the event (`$.data.object.id`). */
  resourceIdPath: string;
  /** Path to the payment status inside the event, if present. */
  resourceStatusPath?: string;
  /** Events to subscribe to (`["*"]` for all). */
  events: string[];
  /** Abstract kinds → the API's event type name(s), so scenarios name kinds (`canceled`) on any API. */
  eventKinds?: Partial<Record<EventKind, string | string[]>>;
  /** Per event type (the API's name): where its payload holds the payment, overriding the paths above. */
  eventTypes?: Record<string, EventTypePaths>;
  retryPolicy: RetryPolicy;
  /** Oldest signature timestamp accepted, seconds. */
  toleranceSeconds: number;
}

/** Where a value the signed content needs (timestamp, id) is found in a delivery. */
export type DeliveryValueSource =
  | { in: 'header'; name: string }
  | { in: 'payload'; path: string }
  /** A `key=value` part of the signature header itself (Stripe's `t=`): `prefix` is `t=`. */
  | { in: 'signature'; prefix: string };

/**
 * A declarative HMAC signature: `header` holds one or more signatures (split by `separator`, each
 * after `prefix`), each an HMAC (`algorithm`, `encoding`) of `content` with the secret.
 */
export interface HmacSignatureSpec {
  kind: 'hmac';
  /** Header carrying the signature(s), e.g. `X-Signature`. */
  header: string;
  /** Text before each signature (`sha256=`, `v1,`, `v1=`); parts without it are ignored. Default none. */
  prefix?: string;
  /** Splits the header into parts when it holds several (`" "` Standard Webhooks, `","` Stripe). Default: one part. */
  separator?: string;
  /** Signed content: `{body}`, `{timestamp}`, `{id}` are replaced (`{timestamp}.{body}`). Default `{body}`. */
  content?: string;
  timestamp?: DeliveryValueSource & { unit?: 'seconds' | 'milliseconds' | 'iso8601' };
  id?: DeliveryValueSource;
  /** Default sha256. */
  algorithm?: 'sha1' | 'sha256' | 'sha512';
  /** Default hex. */
  encoding?: 'hex' | 'base64';
  /** How the secret string becomes key bytes; default utf8. */
  secretEncoding?: 'utf8' | 'base64' | 'hex';
  /** Stripped from the secret before decoding (`whsec_`). */
  secretPrefix?: string;
}

/**
 * Where a payment's refunded total comes from (harness/profile/refund-ledger.ts). Absent: the
 * payment's own `fields.amountRefunded` when declared, else unreadable.
 */
export type RefundLedgerSpec =
  /** The payment carries it at `fields.amountRefunded`. */
  | { source: 'field' }
  /** Refunds are their own objects, listed per payment: the sum of the listed refunds that succeeded. */
  | ({ source: 'list'; list: OperationSpec; items: string } & RefundItemPaths)
  /** Nothing lists them: the sum of the refund answers the run saw succeed, one per refund id. */
  | ({ source: 'answers' } & RefundItemPaths);

/** How to read one refund object (a listed item or a refund answer). */
export interface RefundItemPaths {
  /** JSON path of the refund's amount, read with the profile's amount format (`$.amount`). */
  amount: string;
  /** JSON path of the refund's status (`$.status`); absent: every refund counts. */
  status?: string;
  /** Statuses that count as refunded money (`[succeeded, pending]`); needed with `status`. */
  counted?: string[];
}

/** The API's own names for one abstract event kind; a scenario's receiver rules may use either. */
export type EventKind = 'created' | 'authorized' | 'captured' | 'canceled' | 'refunded' | 'failed';

/** Where one event type's payload holds its payment, when it differs from the webhook-wide paths. */
export interface EventTypePaths {
  /** Path to the payment id (`$.data.object.payment_intent` for a refund event). */
  resourceIdPath: string;
  /** Path to the payment status; absent: this event type carries no payment status. */
  resourceStatusPath?: string;
}

/** One merchant's credentials: headers sent instead of (or besides) the profile's `headers`. */
export interface MerchantSpec {
  headers: Record<string, string>;
}

export interface ApiProfile {
  name: string;
  /** Path every operation path is under (`/api/v2`), after the target's own path; default none. */
  basePath?: string;
  /** Request encoding for bodies. */
  encoding: 'json' | 'form';
  /** Headers sent with every request; values may be `${ENV_VAR}`. Redacted everywhere. */
  headers: Record<string, string>;
  /**
   * Named credential sets (`{b: {headers: {Authorization: Bearer ${KEY_B}}}}`): a merchant's headers
   * go over `headers`; `headers` alone is the merchant `default`. See harness/profile/merchants.ts.
   */
  merchants?: Record<string, MerchantSpec>;
  idempotency: IdempotencySpec;
  operations: {
    create: OperationSpec;
    get: OperationSpec;
    capture?: OperationSpec;
    refund?: OperationSpec;
    cancel?: OperationSpec;
    /** List payments by reference (query/placeholder `{reference}`). */
    list?: OperationSpec;
  };
  fields: FieldPaths;
  lifecycle: LifecycleSpec;
  /** Currency the workload uses (ISO 4217, upper case; `placeholders.currency.case` changes how it is sent). */
  currency: string;
  /** How amounts are written and read; default minor-unit integers. */
  amountFormat?: AmountFormatSpec;
  /** How placeholder values are written (`captureMode`, `currency`, …). */
  placeholders?: Record<string, PlaceholderSpec>;
  /** What error answers mean, first match wins; `idempotency.*Status` are the shorthand. */
  errors?: ErrorRule[];
  webhooks?: WebhookSpec;
  /** Where the refunded total comes from; default `field` when `fields.amountRefunded` is declared. */
  refundLedger?: RefundLedgerSpec;
  /** Endpoint for Pact provider states, if the provider has one. */
  providerStatesPath?: string;
}
