import type { ApiProfile } from '../config/profile-types.js';
import type { LoadPlan } from './load-scenario.js';
import { K6_RUNTIME } from './k6-runtime.js';
import { KEPT_HEADERS } from './payment-workload.js';
import { DEFAULT_TREND_STATS } from './summary.js';
import { currencyExponent, encodeAmount, minorToDecimal } from '../profile/amount-format.js';
import { mapPlaceholder } from '../profile/value-maps.js';
import { UsageError } from '../errors.js';

export interface K6ScriptOptions {
  /** Default base URL; `PAYHARNESS_TARGET` overrides it at run time. */
  target: string;
  seed: number;
  /** Default run id (prefix of references and idempotency keys); `PAYHARNESS_RUN_ID` overrides it. */
  runId?: string;
}

/** k6 exec functions must be identifiers; scenario names may hold dashes. */
export function execName(scenario: string): string {
  return `scenario_${scenario.replace(/[^\w]/g, '_')}`;
}

/** The k6 `options.scenarios` entry of one compiled executor: k6's own keys, nothing of ours. */
function k6Executor(config: LoadPlan['executors'][number]['config'], exec: string): Record<string, unknown> {
  const { flows: _f, duplicates: _d, amount: _a, ...k6Keys } = config;
  return { ...k6Keys, exec };
}

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key)$/i;

/** Env var that carries a secret header's value into the script: `PAYHARNESS_HEADER_AUTHORIZATION`. */
export function headerEnvName(header: string): string {
  return `PAYHARNESS_HEADER_${header.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Secret headers written literally in a profile become `${PAYHARNESS_HEADER_…}` references, so a
 * script (or a ConfigMap) never holds a credential; whoever runs it sets the variable.
 */
export function secretHeaderEnv(profile: ApiProfile): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(profile.headers)) {
    if (SECRET_HEADER.test(name) && !/\$\{\w+\}/.test(value)) env[headerEnvName(name)] = value;
  }
  return env;
}

/**
 * The minor-unit amount a template carries in place of the real one: the script swaps it (and its
 * decimal text at the currency's exponent) for each request's amount. Large and odd, so no other
 * value of a template equals it.
 */
export const AMOUNT_PROBE = 987654321;

/** Placeholders whose value is the same in every request: the script gets them already mapped. */
const STATIC_PLACEHOLDERS = new Set(['currency', 'captureMode', 'events', 'url']);

/**
 * The placeholder values the script sends, written by the same code the built-in engine uses
 * (value-maps.ts): the currency as mapped, and the map of both capture modes. A map on a placeholder
 * that changes per request (reference, key, id, amount) is refused: the script could only ignore it.
 */
function scriptPlaceholders(profile: ApiProfile): Record<string, unknown> {
  const perRequest = Object.keys(profile.placeholders ?? {}).filter((name) => !STATIC_PLACEHOLDERS.has(name));
  if (perRequest.length) {
    throw new UsageError('E_K6_PLACEHOLDER', `profile "${profile.name}" maps placeholder${perRequest.length === 1 ? '' : 's'} ${perRequest.join(', ')}, which a k6 script cannot apply per request`, {
      hint: 'use the built-in engine (--engine builtin) for this profile, or drop the map',
    });
  }
  return {
    currency: mapPlaceholder(profile, 'currency', profile.currency),
    captureMode: { automatic: mapPlaceholder(profile, 'captureMode', 'automatic'), manual: mapPlaceholder(profile, 'captureMode', 'manual') },
  };
}

/**
 * Per operation, `{amount}` as amount-format.ts writes AMOUNT_PROBE (a number, a decimal at the
 * currency's exponent, or a `{value, currency}` object), and that exponent: the script puts each
 * request's amount where the probe stands, so the format is decided here, once, by the same code.
 */
function scriptAmounts(profile: ApiProfile, currencyValue: unknown): Record<string, { template: unknown; exponent: number }> {
  const out: Record<string, { template: unknown; exponent: number }> = {};
  for (const op of ['create', 'capture', 'refund'] as const) {
    const spec = profile.operations[op];
    if (!spec) continue;
    out[op] = { template: encodeAmount(profile, AMOUNT_PROBE, profile.currency, spec.amountFormat, currencyValue), exponent: currencyExponent(profile, profile.currency) };
  }
  return out;
}

/** The subset of the profile the script needs to build requests and read answers. */
function scriptProfile(profile: ApiProfile): Record<string, unknown> {
  const placeholders = scriptPlaceholders(profile);
  const secret = secretHeaderEnv(profile);
  const headers = Object.fromEntries(Object.entries(profile.headers).map(([k, v]) => [k, secret[headerEnvName(k)] === undefined ? v : `\${${headerEnvName(k)}}`]));
  return {
    encoding: profile.encoding,
    headers,
    currency: profile.currency,
    idempotency: profile.idempotency,
    operations: profile.operations,
    fields: { id: profile.fields.id, status: profile.fields.status },
    placeholders,
    amounts: scriptAmounts(profile, placeholders.currency),
  };
}

const js = (value: unknown): string => JSON.stringify(value, null, 2);

/**
 * Compiles a load plan into a k6 script (ES module): options.scenarios and thresholds exactly as
 * the scenario wrote them, one exec function per scenario running the same seeded payment flows
 * as the built-in engine, and a counter whose points carry each request's record as metadata,
 * from which `payharness` rebuilds the history.
 */
export function compileK6Script(plan: LoadPlan, profile: ApiProfile, options: K6ScriptOptions): string {
  const scenarios: Record<string, unknown> = {};
  const flows: Record<string, unknown> = {};
  for (const e of plan.executors) {
    scenarios[e.name] = k6Executor(e.config, execName(e.name));
    flows[e.name] = { flows: e.flows, concurrent: e.concurrentDuplicates, retry: e.retryDuplicates, amount: e.amount };
  }
  const k6Options = {
    scenarios,
    thresholds: plan.scenario.thresholds ?? {},
    summaryTrendStats: plan.scenario.summaryTrendStats ?? [...DEFAULT_TREND_STATS],
  };
  const execs = plan.executors
    .map((e) => `export function ${execName(e.name)}() {\n  paymentIteration(${JSON.stringify(e.name)});\n}`)
    .join('\n\n');
  return `// Generated by payharness from ${plan.file} (scenario "${plan.scenario.name}"). Do not edit:
// regenerate with \`payharness load export ${plan.file} --k6 FILE\`.
// Run: PAYHARNESS_TARGET=http://host:port k6 run --out json=k6.ndjson THIS_FILE
import http from 'k6/http';
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import exec from 'k6/execution';

const TARGET = (__ENV.PAYHARNESS_TARGET || ${JSON.stringify(options.target)}).replace(/\\/+$/, '');
const RUN_ID = __ENV.PAYHARNESS_RUN_ID || ${JSON.stringify(options.runId ?? 'k6')};
const SEED = Number(__ENV.PAYHARNESS_SEED || ${JSON.stringify(String(options.seed))});

/** @type {any} */
const PROFILE = ${js(scriptProfile(profile))};

/** @type {Record<string, { flows: Array<[string, number]>, concurrent: number, retry: number, amount: { min: number, max: number } }>} */
const FLOWS = ${js(flows)};

/** Response headers the history keeps (lower-cased), as the built-in engine keeps them. */
const KEPT_HEADERS = ${JSON.stringify(KEPT_HEADERS)};

/** Stands for the amount in PROFILE.amounts templates. */
const AMOUNT_PROBE = ${AMOUNT_PROBE};

/** payharness's own minor units → decimal text (harness/profile/amount-format.ts), as compiled. */
${minorToDecimal.toString()}

/** @type {import('k6/options').Options} */
export const options = ${js(k6Options)};
${K6_RUNTIME}
${execs}
`;
}
