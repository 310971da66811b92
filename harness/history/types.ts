/**
 * The history: everything a run did, one JSON object per line of `history.jsonl`.
 * Running appends to it; checks only read it (Jepsen's split). Every record names its `target`
 * so one history can hold two implementations of one API (differential runs).
 *
 * Times are milliseconds since the run started (`RunStart.startedAt` is the wall clock origin).
 */

export type PaymentOperation = 'create' | 'capture' | 'refund' | 'cancel' | 'get' | 'list' | 'registerWebhook';

/** `info`: we do not know whether it took effect (timeout, reset, lost response). Never `fail` for those. */
export type Outcome = 'ok' | 'fail' | 'info';

interface RecordBase {
  /** Milliseconds since run start. */
  time: number;
  /** Which implementation this record is about (`default` when a run has one target). */
  target: string;
  /** The scenario this record belongs to, when a run holds several. */
  scenario?: string;
}

export interface RunStart extends RecordBase {
  kind: 'run';
  runId: string;
  seed: number;
  /** Wall clock ISO time that `time: 0` corresponds to. */
  startedAt: string;
  /** Scenario names, profile name and anything a re-judge needs (policy, lifecycle) as plain data. */
  meta: Record<string, unknown>;
}

/** One HTTP request the client sent: Jepsen's `invoke`. */
export interface OperationInvoke extends RecordBase {
  kind: 'invoke';
  /** Unique per request attempt within a run; the completion carries the same id. */
  opId: number;
  /** The worker / virtual user that issued it. */
  process: number;
  op: PaymentOperation;
  /** The logical payment action this attempt belongs to; retries of one action share it. */
  logicalId: string;
  /** 1 for the first try, 2.. for client retries and deliberate replays. */
  attempt: number;
  /** Why this request exists beyond the plain workload: 'retry', 'replay', 'concurrent-copy', 'payload-change'. */
  intent?: 'workload' | 'retry' | 'replay' | 'concurrent-copy' | 'payload-change';
  idempotencyKey?: string;
  /** The profile's credential set that sent it, when not the default one (profile `merchants`). */
  merchant?: string;
  /** The payment this targets (capture/refund/cancel/get), when known. */
  resourceId?: string;
  method: string;
  path: string;
  /** Request body as sent, after redaction. */
  body?: unknown;
  /** Amount in minor units the request moves, if any (create/capture/refund). */
  amount?: number;
}

/** The completion of an invoke: Jepsen's `ok` / `fail` / `info`. */
export interface OperationComplete extends RecordBase {
  kind: 'complete';
  opId: number;
  outcome: Outcome;
  /** HTTP status when a response arrived. */
  status?: number;
  /** Response body (parsed JSON when possible), after redaction. */
  body?: unknown;
  /** Selected response headers, lower-cased, after redaction (e.g. idempotent-replayed, retry-after). */
  headers?: Record<string, string>;
  /** Payment id read from the response through the profile's id path. */
  resourceId?: string;
  /** Payment status read through the profile's status path. */
  paymentStatus?: string;
  /** Transport error for `info` / `fail` without a response (ECONNRESET, timeout…). */
  error?: string;
  /** Milliseconds from intended start to completion. */
  latencyMs?: number;
  /**
   * `fields`: the history kept only the answer's payment fields the checks read (evidence bodies,
   * history/body-policy.ts), not the whole body; a check of the whole body cannot judge it.
   */
  bodyKept?: 'fields';
}

/** A fault window the nemesis opened or healed. */
export interface FaultRecord extends RecordBase {
  kind: 'fault';
  phase: 'start' | 'heal';
  proxy: string;
  toxic: string;
  type: string;
  attributes?: Record<string, unknown>;
  /**
   * 'api' (client → provider), 'callbacks' (provider → webhook sink), a dependency link's name
   * ('database'), or 'provider' (a crash of the provider's process).
   */
  path?: string;
}

/**
 * A dependency link (the provider's database, its broker) through the proxy: created, seen in use by
 * the provider (or not), deleted. Checks ignore it; reports and re-judges show what the faults hit.
 */
export interface LinkRecord extends RecordBase {
  kind: 'link';
  event: 'created' | 'connected' | 'unverified' | 'deleted';
  /** The dependency's name ('database'). */
  name: string;
  proxy: string;
  listen: string;
  upstream: string;
  /** Connections (or bytes, per `evidence`) seen on the link when it was checked. */
  seen?: number;
  /** How use was checked: 'toxiproxy-metrics' (bytes), 'local-sockets' (connections), or why it could not be. */
  evidence?: string;
}

/** The provider's process as `--target-command` runs it: started, answering, killed, exited. */
export interface ProcessRecord extends RecordBase {
  kind: 'process';
  event: 'started' | 'ready' | 'crashed' | 'exited' | 'stopped';
  pid?: number;
  /** Which start of the command this is (1 = the first). */
  generation: number;
  /** The crash fault that killed it, with the request that triggered it, when there was one. */
  toxic?: string;
  afterOpId?: number;
  exitCode?: number | null;
  signal?: string | null;
}

/** One per-request decision an HTTP toxic took, pulled from the proxy's `/events`. */
export interface FaultDecision extends RecordBase {
  kind: 'fault-decision';
  proxy: string;
  toxic: string;
  type: string;
  /** e.g. 'drop_response', 'duplicate', 'status', 'delay', 'drop_request', 'pass'. */
  action: string;
  method?: string;
  path?: string;
  idempotencyKey?: string;
  /** The proxy's event sequence number: one decision, one seq (a re-judge drops repeats by it). */
  seq?: number;
  /** Which request of its key this decision was about (1 = first), when the proxy reports it. */
  occurrence?: number;
}

/** One delivery attempt the webhook sink received. */
export interface DeliveryRecord extends RecordBase {
  kind: 'delivery';
  /** Event id from the payload / webhook-id header; retries must repeat it. */
  eventId: string;
  eventType?: string;
  /** The abstract kind (`captured`, `refunded`…) the profile maps the type to (harness/profile/event-kinds.ts). */
  eventKind?: string;
  /** Payment the event is about, read from the payload. */
  resourceId?: string;
  /** The status our sink answered (the scenario may make it fail the first N). */
  answeredStatus: number;
  /** Retry-After we sent with that answer, in seconds, if any. */
  retryAfterSeconds?: number;
  /** How long the sink held its answer back (a slow-receiver rule), ms; the provider may time out first. */
  answerDelayMs?: number;
  signatureValid: boolean;
  /** Seconds between the signature's timestamp and receipt (freshness). */
  signatureAgeSeconds?: number;
  signatureError?: string;
  /** Payment status carried in the event payload, if any. */
  paymentStatus?: string;
}

/** A delivery the provider sent that a fault dropped before the sink saw it (from fault decisions). */
export interface FinalRead extends RecordBase {
  kind: 'final-read';
  resourceId: string;
  /** The profile merchant whose credentials read it, when not the default (it created the payment). */
  merchant?: string;
  /** Outcome of the read itself; `info` when it could not be done. */
  outcome: Outcome;
  status?: number;
  body?: unknown;
  paymentStatus?: string;
  amount?: number;
  amountCaptured?: number;
  amountRefunded?: number;
  currency?: string;
  /** Reference / lookup key used to find it, when listed by reference. */
  reference?: string;
  /** The refund list read for `amountRefunded` when the profile's refund ledger is a list (harness/profile/refund-ledger.ts). */
  refundList?: { status?: number; body?: unknown; error?: string; listed?: number; counted?: number };
}

/** A listing by reference at the end of a run: how many payments exist for one logical create. */
export interface ReferenceCount extends RecordBase {
  kind: 'reference-count';
  reference: string;
  logicalId?: string;
  resourceIds: string[];
  /** The profile merchant whose credentials listed them, when not the default. */
  merchant?: string;
  /**
   * Set when the listing failed (a soak run's read-back as it goes records the failure so the
   * payment's flow can settle): no count; checks treat the payment as not listed.
   */
  error?: string;
}

/** Free-form note (progress, warnings) that reporters may show; checks ignore it. */
export interface NoteRecord extends RecordBase {
  kind: 'note';
  message: string;
}

/**
 * Event-loop delay the harness measured over one window ending at `time`: the run's own scheduling
 * noise, against which timing verdicts weigh their margins.
 */
export interface LagRecord extends RecordBase {
  kind: 'lag';
  /** Length of the window that ends at `time`, ms. */
  windowMs: number;
  /** Longest event-loop delay seen in the window, ms. */
  maxMs: number;
  /** 99th percentile of the delays seen in the window, ms. */
  p99Ms: number;
  /**
   * Total time the loop ran late in the window, ms: how long it was too busy to run a due timer. A
   * chain of async steps can be delayed by all of it, not just by the worst single stall.
   */
  stallMs?: number;
}

/**
 * A load run's measured figures at its end: the aggregations its thresholds name, so a re-judge
 * (`payharness check`) evaluates the thresholds on the same numbers the run did.
 */
export interface MetricsRecord extends RecordBase {
  kind: 'metrics';
  /** How long the load ran; rates are per second over it. */
  durationMs: number;
  /** Metric key (`http_req_duration`, `http_req_failed{status:500}`) → aggregation (`p(95)`, `rate`…) → value; null: no samples. */
  values: Record<string, Record<string, number | null>>;
  /** The k6 process's exit code on the k6 engine (99: k6 itself judged a threshold crossed). */
  k6ExitCode?: number;
  /** The abortOnFail threshold that stopped the load early, if any. */
  abortedBy?: string;
}

export interface RunEnd extends RecordBase {
  kind: 'run-end';
  /** 'completed', 'interrupted' or 'error' (with message). */
  status: 'completed' | 'interrupted' | 'error';
  message?: string;
}

export type HistoryRecord =
  | RunStart
  | OperationInvoke
  | OperationComplete
  | FaultRecord
  | FaultDecision
  | DeliveryRecord
  | FinalRead
  | ReferenceCount
  | NoteRecord
  | LagRecord
  | MetricsRecord
  | LinkRecord
  | ProcessRecord
  | RunEnd;
