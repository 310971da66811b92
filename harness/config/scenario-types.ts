/** A chaos scenario (`scenarios/chaos/*.yaml`), after validation and defaults. */

/** A logical payment flow the workload runs; each becomes one or more operations on one payment. */
export type FlowName = 'charge' | 'authorize-capture' | 'refund' | 'cancel' | 'capture-after-cancel' | 'refund-race'
  | 'forbidden-transitions' | 'capture-race' | 'early-refund' | 'merchant-key-scope';

export const FLOW_NAMES: readonly FlowName[] = [
  'charge', 'authorize-capture', 'refund', 'cancel', 'capture-after-cancel', 'refund-race', 'forbidden-transitions', 'capture-race', 'early-refund',
  'merchant-key-scope',
];

/** What the client retries on: transport failures and answer classes. */
export type RetryOn = 'timeout' | 'reset' | '5xx' | '409' | '429';

export interface ClientRetryPolicy {
  /** Total attempts per operation, including the first. */
  attempts: number;
  backoffMs: number;
  multiplier: number;
  on: RetryOn[];
}

export interface WorkloadSpec {
  /** Number of flows to run (each flow is several operations). */
  flows: number;
  /** Or run flows until this many ms have passed (whichever ends first). */
  durationMs?: number;
  concurrency: number;
  /** Relative weight of each flow. */
  mix: Partial<Record<FlowName, number>>;
  amount: { min: number; max: number };
  client: { timeoutMs: number; retry: ClientRetryPolicy };
}

export interface DuplicatesSpec {
  /** Send this many extra copies of a write at the same time, with the same key. */
  concurrentCopies?: { probability: number; copies: number };
  /** Replay a completed write with the same key after a delay. */
  delayedReplays?: { probability: number; delayMs: number };
  /** Reuse a completed write's key with a different amount (must be rejected). */
  payloadChange?: { probability: number };
  /**
   * Replay a write's key once its flow has run every step, after later writes changed the payment
   * (the create after the capture, the capture after the refund): the answer must still be the stored one.
   */
  endOfFlowReplays?: { probability: number };
  /**
   * Replay every write of a flow `afterMs` after the flow's first answer (never later than 90% of the
   * profile's `idempotency.retentionSeconds`): a retained key must still return its stored answer.
   * With `retentionShare` and a declared retention, the delay is that share of the retention instead
   * (for an API run with a short retention, e.g. `payharness sandbox --idempotency-retention 5s`).
   */
  lateReplays?: { probability: number; afterMs: number; retentionShare?: number };
}

/** `api`, `callbacks`, `provider` (the process) or the name of a declared dependency link. */
export type FaultPath = string;

/** The paths every run has; any other `proxy:` names a dependency link or the provider process. */
export const BUILTIN_PATHS = ['api', 'callbacks'] as const;
/** The `proxy:` a crash names: the provider's process, not a link. */
export const PROVIDER_PATH = 'provider';

/**
 * One of the provider's own dependencies (its database, its broker) reached through a proxy that
 * payharness creates with a fixed listen address; the provider is configured to use `listen`.
 */
export interface DependencySpec {
  /** host:port of the real dependency. */
  upstream: string;
  /** host:port the link listens on; the provider must connect here. */
  listen: string;
}

export interface FaultSpec {
  /** Toxic name on the proxy (made unique per run); defaults to `<type>-<index>`. */
  name?: string;
  /** The fault type from the registry (`latency`, `http_drop_response`, `down`…). */
  type: string;
  /**
   * Where it applies: client → provider (`api`), provider → webhook sink (`callbacks`), a dependency
   * link the scenario declares (`database`, `broker`…), or the provider process itself (`provider`,
   * for `crash`).
   */
  proxy: FaultPath;
  stream?: 'upstream' | 'downstream';
  toxicity?: number;
  attributes?: Record<string, unknown>;
  /** When to apply it, ms after the workload starts. */
  startMs: number;
  /** When to heal it; absent → when the workload ends. */
  healMs?: number;
}

export interface ReceiverRule {
  /** Status the sink answers (500, 503, 410, 429…) while the rule applies; 200 when only slowing down. */
  status: number;
  /** Apply to the first N attempts (of each event, or of the scenario). */
  first: number;
  per: 'event' | 'scenario';
  /** Only events of these kinds (`canceled`, mapped by the profile's `webhooks.eventKinds`) or API type names (all when absent). */
  eventTypes?: string[];
  retryAfterSeconds?: number;
  /** Answer after this delay (a slow receiver). */
  delayMs?: number;
}

/** What the built-in sandbox does of its own during a scenario (ignored against another target). */
export interface SandboxSpec {
  /** Share of writes (0 to 1) whose commit fails after the work: answered 500, rolled back, seeded by the run's seed. */
  failRate?: number;
}

export interface CheckSpec {
  name: string;
  options?: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  description?: string;
  /** Profile name or file; the run's `--profile` overrides. */
  profile?: string;
  workload: WorkloadSpec;
  duplicates: DuplicatesSpec;
  faults: FaultSpec[];
  webhookReceiver: ReceiverRule[];
  checks: CheckSpec[];
  /** The built-in sandbox's own failures during this scenario (API failures in the workload). */
  sandbox?: SandboxSpec;
  /** Longest wait for callbacks after the workload (default: the policy's retry horizon). */
  settleMs?: number;
  /** The provider's dependency links by name (`database`, `broker`); faults name them in `proxy:`. */
  dependencies?: Record<string, DependencySpec>;
  /** The file it came from, for messages. */
  file: string;
}
