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
  /** Status the API uses for "same key, different payload" (the IETF draft says 422). */
  mismatchStatus: number[];
  /** Status for "same key while the first is in flight" (409). */
  inFlightStatus: number[];
  /** Response header that marks a replay, if the API sets one (`Idempotent-Replayed`). */
  replayedHeader?: string;
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
}

export interface WebhookSpec {
  /** How to register an endpoint: body placeholders `{url}` and `{events}`. */
  register: OperationSpec;
  /** Where the registration answer holds the signing secret. */
  secretPath: string;
  /** Signature scheme: Standard Webhooks (`webhook-id/-timestamp/-signature`) or Stripe (`Stripe-Signature`). */
  signature: 'standard-webhooks' | 'stripe' | 'none';
  /** JSON paths in the event payload. */
  eventIdPath: string;
  eventTypePath: string;
  /** Path to the payment id inside the event (`$.data.object.id`). */
  resourceIdPath: string;
  /** Path to the payment status inside the event, if present. */
  resourceStatusPath?: string;
  /** Events to subscribe to (`["*"]` for all). */
  events: string[];
  retryPolicy: RetryPolicy;
  /** Oldest signature timestamp accepted, seconds. */
  toleranceSeconds: number;
}

export interface ApiProfile {
  name: string;
  /** Request encoding for bodies. */
  encoding: 'json' | 'form';
  /** Headers sent with every request; values may be `${ENV_VAR}`. Redacted everywhere. */
  headers: Record<string, string>;
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
  /** Currency the workload uses (ISO 4217, upper case). */
  currency: string;
  webhooks?: WebhookSpec;
  /** Endpoint for Pact provider states, if the provider has one. */
  providerStatesPath?: string;
}
