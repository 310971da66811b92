/** A chaos scenario (`scenarios/chaos/*.yaml`), after validation and defaults. */

/** A logical payment flow the workload runs; each becomes one or more operations on one payment. */
export type FlowName = 'charge' | 'authorize-capture' | 'refund' | 'cancel' | 'capture-after-cancel' | 'refund-race'
  | 'merchant-key-scope';

export const FLOW_NAMES: readonly FlowName[] = ['charge', 'authorize-capture', 'refund', 'cancel', 'capture-after-cancel', 'refund-race',
  'merchant-key-scope'];

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
}

export interface FaultSpec {
  /** Toxic name on the proxy (made unique per run); defaults to `<type>-<index>`. */
  name?: string;
  /** The fault type from the registry (`latency`, `http_drop_response`, `down`…). */
  type: string;
  /** Which proxy: client → provider (`api`) or provider → webhook sink (`callbacks`). */
  proxy: 'api' | 'callbacks';
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
  /** Only events of these types (all when absent). */
  eventTypes?: string[];
  retryAfterSeconds?: number;
  /** Answer after this delay (a slow receiver). */
  delayMs?: number;
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
  /** Longest wait for callbacks after the workload (default: the policy's retry horizon). */
  settleMs?: number;
  /** The file it came from, for messages. */
  file: string;
}
