import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { ConfigError, UsageError } from '../errors.js';

/** `payharness gate --config FILE` (YAML). Every key is optional: the defaults gate the in-process sandbox. */
export interface GateConfig {
  /** The API under test; absent → the sandbox starts in-process (with `bugs`). */
  target?: string;
  /** Profile file or built-in name. */
  profile?: string;
  /** Provider name in the pacts / broker. */
  provider: string;
  bugs: string[];
  /** Directory for verdict.json, junit.xml and each stage's own run directory; new or empty. Default `reports/<run-id>`. */
  out?: string;
  seed: number;
  allowTargets: string[];
  contracts: {
    enabled: boolean;
    pactDir: string;
    /** Replay effectful interactions under faults (`contracts chaos`) too. */
    chaos: boolean;
    broker?: {
      url?: string;
      consumerVersionSelectors?: Array<Record<string, unknown>>;
      publish?: boolean;
      providerVersion?: string;
      providerBranch?: string;
      enablePending?: boolean;
      includeWipSince?: string;
    };
  };
  chaos: { enabled: boolean; scenarios?: string[] };
  /** The load smoke test; skipped when no scenario is named. */
  load?: { scenario: string; engine?: 'builtin' | 'k6' };
  /** Ask the broker at the end; skipped when absent. */
  canIDeploy?: { pacticipant?: string; version?: string; environment: string };
}

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    target: { type: 'string' },
    profile: { type: 'string' },
    provider: { type: 'string' },
    bugs: { type: 'array', items: { type: 'string' } },
    out: { type: 'string' },
    seed: { type: 'integer', minimum: 0 },
    allowTargets: { type: 'array', items: { type: 'string' } },
    contracts: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        pactDir: { type: 'string' },
        chaos: { type: 'boolean' },
        broker: {
          type: 'object',
          additionalProperties: false,
          properties: {
            url: { type: 'string' },
            consumerVersionSelectors: { type: 'array', items: { type: 'object' } },
            publish: { type: 'boolean' },
            providerVersion: { type: 'string' },
            providerBranch: { type: 'string' },
            enablePending: { type: 'boolean' },
            includeWipSince: { type: 'string' },
          },
        },
      },
    },
    chaos: { type: 'object', additionalProperties: false, properties: { enabled: { type: 'boolean' }, scenarios: { type: 'array', items: { type: 'string' } } } },
    load: { type: 'object', additionalProperties: false, required: ['scenario'], properties: { scenario: { type: 'string' }, engine: { enum: ['builtin', 'k6'] } } },
    canIDeploy: {
      type: 'object',
      additionalProperties: false,
      required: ['environment'],
      properties: { pacticipant: { type: 'string' }, version: { type: 'string' }, environment: { type: 'string' } },
    },
  },
} as const;

export const DEFAULT_GATE_CONFIG: GateConfig = {
  provider: 'payharness-sandbox',
  bugs: [],
  seed: 1,
  allowTargets: [],
  contracts: { enabled: true, pactDir: 'contracts/pacts', chaos: true },
  chaos: { enabled: true },
};

/** Reads and validates a gate config, reporting every problem at once; no file → the defaults. */
export function loadGateConfig(file?: string): GateConfig {
  if (file === undefined) return structuredClone(DEFAULT_GATE_CONFIG);
  if (!existsSync(file)) throw new UsageError('E_GATE_CONFIG', `gate config not found: ${file}`, { hint: 'see examples/payharness-gate.yaml' });
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8')) ?? {};
  } catch (error) {
    throw new ConfigError(file, [(error as Error).message.split('\n')[0]!]);
  }
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(SCHEMA);
  if (!validate(raw)) {
    throw new ConfigError(file, (validate.errors ?? []).map((e) => `${e.instancePath || '(top level)'} ${e.message}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''}`));
  }
  const config = raw as Partial<GateConfig>;
  return {
    ...DEFAULT_GATE_CONFIG,
    ...config,
    contracts: { ...DEFAULT_GATE_CONFIG.contracts, ...(config.contracts ?? {}) },
    chaos: { ...DEFAULT_GATE_CONFIG.chaos, ...(config.chaos ?? {}) },
  };
}
