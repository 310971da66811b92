import type { ThresholdSpec } from './thresholds.js';
import type { ExpectedStatus } from './http-timing.js';

/**
 * A load scenario file (`scenarios/load/*.yaml`). Executors and thresholds use k6's names and
 * syntax so the same file compiles to a k6 script; the payment parts (flows, duplicates, faults,
 * checks) are payharness's.
 */

/** One logical payment action an iteration performs; every POST in it gets a fresh idempotency key. */
export const FLOWS = {
  create: 'create a payment captured automatically',
  'authorize-capture': 'create with manual capture, then capture the full amount',
  'create-refund': 'create (automatic capture), then refund half of it',
  'create-get': 'create, then read it back',
} as const;
export type FlowName = keyof typeof FLOWS;

interface ExecutorBase {
  /** Weights of the flows this scenario's iterations perform, e.g. `{create: 8, authorize-capture: 2}`. */
  flows?: Partial<Record<FlowName, number>>;
  /**
   * Fractions of logical payments whose create is also sent a second time with the same key:
   * `concurrent` while the first is in flight (a client retry racing a slow answer), `retry`
   * after it answered (a replay). Each duplicate must not move money twice.
   */
  duplicates?: { concurrent?: number; retry?: number };
  /** Amount in minor units, or a range drawn per payment from the seeded generator. */
  amount?: number | { min: number; max: number };
  startTime?: string;
  gracefulStop?: string;
  tags?: Record<string, string>;
}

export interface ConstantArrivalRate extends ExecutorBase {
  executor: 'constant-arrival-rate';
  rate: number;
  timeUnit?: string;
  duration: string;
  preAllocatedVUs: number;
  maxVUs?: number;
}

export interface RampingArrivalRate extends ExecutorBase {
  executor: 'ramping-arrival-rate';
  startRate?: number;
  timeUnit?: string;
  stages: { target: number; duration: string }[];
  preAllocatedVUs: number;
  maxVUs?: number;
}

export interface ConstantVus extends ExecutorBase {
  executor: 'constant-vus';
  vus: number;
  duration: string;
}

export type ExecutorConfig = ConstantArrivalRate | RampingArrivalRate | ConstantVus;
export const EXECUTORS = ['constant-arrival-rate', 'ramping-arrival-rate', 'constant-vus'] as const;

/** A TCP fault through the (embedded or real) Toxiproxy, e.g. latency on 10 % of connections. */
export interface LoadFault {
  /** Toxiproxy toxic type: latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data, or an http_* toxic. */
  type: string;
  /** Fraction of connections (Toxiproxy `toxicity`), 0..1; default 1. */
  toxicity?: number;
  stream?: 'upstream' | 'downstream';
  attributes?: Record<string, unknown>;
}

export interface LoadScenario {
  name: string;
  description?: string;
  /** `sandbox` or a profile file (relative to the scenario). */
  profile?: string;
  seed?: number;
  scenarios: Record<string, ExecutorConfig>;
  thresholds?: Record<string, ThresholdSpec | ThresholdSpec[]>;
  /** Checks run over the load history (names from the check registry); default: the money checks. */
  checks?: (string | { name: string; options?: Record<string, unknown> })[];
  faults?: LoadFault[];
  /** Extra statuses that count as expected (not `http_req_failed`), besides 200–399. */
  expectedStatuses?: ExpectedStatus[];
  summaryTrendStats?: string[];
  /** List every payment's reference at the end so the checks see executions whose answers were lost. */
  finalReads?: 'all' | 'duplicates' | 'none';
  /**
   * Soak runs on the built-in engine read payments back as they go: how long after its iteration
   * ended a payment is listed and read (default 500ms). Raise it for an API whose listing lags its
   * writes (a search index); what waits for its read grows with rate × this.
   */
  finalReadsAfter?: string;
}
