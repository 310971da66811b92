import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { BUILTIN_PROFILES } from './profile.js';
import { Ajv, type ValidateFunction } from 'ajv';
import { ConfigError, UsageError } from '../errors.js';
import { describeAjvErrors, locate, parseLocated } from './located-yaml.js';
import { scenarioSchema } from './scenario-schema.js';
import { CRASH_FAULT, dependencyProblems } from './dependency-problems.js';
import { PROVIDER_PATH, type CheckSpec, type ClientRetryPolicy, type FaultSpec, type ReceiverRule, type Scenario, type WorkloadSpec } from './scenario-types.js';

let validator: ValidateFunction | undefined;
function validate(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(scenarioSchema());
  return validator;
}

/** Defaults a scenario may leave out; documented in docs/chaos.md. */
export const SCENARIO_DEFAULTS = {
  concurrency: 4,
  mix: { charge: 1 },
  amount: { min: 100, max: 10_000 },
  timeoutMs: 2_000,
  retry: { attempts: 3, backoffMs: 50, multiplier: 2, on: ['timeout', 'reset', '5xx', '409', '429'] } satisfies ClientRetryPolicy,
} as const;

type RawScenario = Omit<Scenario, 'file' | 'workload' | 'duplicates' | 'faults' | 'webhookReceiver' | 'checks'> & {
  workload: Partial<WorkloadSpec> & { flows: number; client?: { timeoutMs?: number; retry?: Partial<ClientRetryPolicy> } };
  duplicates?: Scenario['duplicates'];
  faults?: (Omit<FaultSpec, 'startMs' | 'proxy'> & { startMs?: number; proxy?: string })[];
  webhookReceiver?: (Partial<ReceiverRule> & { status: number })[];
  checks: (string | CheckSpec)[];
};

function semanticProblems(raw: RawScenario, locate_: (pointer: string) => string): string[] {
  const problems: string[] = [];
  const amount = raw.workload.amount;
  if (amount && amount.min > amount.max) problems.push(`${locate_('/workload/amount')}: amount.min ${amount.min} is above amount.max ${amount.max} (hint: swap them)`);
  raw.faults?.forEach((f, i) => {
    if (f.healMs !== undefined && f.healMs <= (f.startMs ?? 0)) {
      problems.push(`${locate_(`/faults/${i}/healMs`)}: healMs ${f.healMs} is not after startMs ${f.startMs ?? 0} (hint: a fault heals after it starts)`);
    }
  });
  const names = new Set<string>();
  raw.faults?.forEach((f, i) => {
    if (!f.name) return;
    if (names.has(f.name)) problems.push(`${locate_(`/faults/${i}/name`)}: fault name "${f.name}" is used twice (hint: names must be unique within a scenario)`);
    names.add(f.name);
  });
  problems.push(...dependencyProblems(raw, locate_));
  return problems;
}

/** Parses and validates scenario text; every problem at once, each with file:line:column and a hint. */
export function parseScenario(file: string, text: string): Scenario {
  const located = parseLocated(file, text);
  if (located.syntaxProblems.length) throw new ConfigError(file, located.syntaxProblems);
  const check = validate();
  if (located.value === null || typeof located.value !== 'object' || Array.isArray(located.value)) {
    throw new ConfigError(file, [`${file}:1:1: a scenario is a YAML mapping with name, workload and checks (hint: see scenarios/chaos/ for examples)`]);
  }
  if (!check(located.value)) throw new ConfigError(file, describeAjvErrors(located, check.errors ?? []));
  const raw = located.value as RawScenario;
  const problems = semanticProblems(raw, (p) => locate(located, p));
  if (problems.length) throw new ConfigError(file, problems);
  const w = raw.workload;
  return {
    name: raw.name,
    description: raw.description,
    // A profile path in a scenario is relative to the scenario file, like an include.
    profile: raw.profile === undefined || BUILTIN_PROFILES[raw.profile] || isAbsolute(raw.profile) ? raw.profile : resolve(dirname(file), raw.profile),
    settleMs: raw.settleMs,
    ...(raw.dependencies ? { dependencies: raw.dependencies } : {}),
    ...(raw.sandbox ? { sandbox: raw.sandbox } : {}),
    file,
    workload: {
      flows: w.flows,
      durationMs: w.durationMs,
      concurrency: w.concurrency ?? SCENARIO_DEFAULTS.concurrency,
      mix: w.mix ?? { ...SCENARIO_DEFAULTS.mix },
      amount: w.amount ?? { ...SCENARIO_DEFAULTS.amount },
      client: {
        timeoutMs: w.client?.timeoutMs ?? SCENARIO_DEFAULTS.timeoutMs,
        retry: { ...SCENARIO_DEFAULTS.retry, on: [...SCENARIO_DEFAULTS.retry.on], ...(w.client?.retry ?? {}) },
      },
    },
    duplicates: raw.duplicates ?? {},
    faults: (raw.faults ?? []).map((f, i) => ({ ...f, proxy: f.proxy ?? (f.type === CRASH_FAULT ? PROVIDER_PATH : 'api'), name: f.name ?? `${f.type}-${i}`, startMs: f.startMs ?? 0 })),
    webhookReceiver: (raw.webhookReceiver ?? []).map((r) => ({ first: 1, per: 'event', ...r }) as ReceiverRule),
    checks: raw.checks.map((c) => (typeof c === 'string' ? { name: c } : c)),
  };
}

/** Loads one scenario file. */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError('E_SCENARIO_READ', `cannot read scenario ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      hint: 'give the path of a scenario YAML file, e.g. scenarios/chaos/lost-responses.yaml',
    });
  }
  return parseScenario(file, text);
}

/** Loads several scenarios and reports the problems of all of them together (exit 3 before anything starts). */
export function loadScenarios(files: readonly string[]): Scenario[] {
  const scenarios: Scenario[] = [];
  const problems: string[] = [];
  for (const file of files) {
    try {
      scenarios.push(loadScenario(file));
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems);
      else if (error instanceof UsageError) problems.push(`${file}: ${error.message}${error.hint ? ` (hint: ${error.hint})` : ''}`);
      else throw error;
    }
  }
  const seen = new Map<string, string>();
  for (const s of scenarios) {
    const other = seen.get(s.name);
    if (other) problems.push(`${s.file}: scenario name "${s.name}" is also used by ${other} (hint: names must be unique within a run)`);
    seen.set(s.name, s.file);
  }
  if (problems.length) throw new ConfigError(files.length === 1 ? files[0]! : `${files.length} scenario files`, problems);
  return scenarios;
}
