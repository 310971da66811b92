import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { ConfigError, UsageError } from '../errors.js';
import { describeAjvErrors, locate, parseLocated, suggest, type LocatedDocument } from '../config/located-yaml.js';
import { parseDuration } from './duration.js';
import { EXECUTOR_SCHEMAS, LOAD_SCENARIO_SCHEMA } from './scenario-schema.js';
import { EXECUTORS, type ExecutorConfig, type FlowName, type LoadScenario } from './scenario-types.js';
import { compileThresholds, type ThresholdSet } from './threshold-set.js';
import type { ExecutorPlan } from './engine.js';
import { constantArrivals, rampingArrivals } from './schedule.js';
import { loadFaultProblems } from './load-faults.js';

/** The most iterations per second one scenario may ask of one machine; more is a typo, not a test. */
export const MAX_RATE_PER_SECOND = 100_000;

export interface CompiledExecutor {
  name: string;
  config: ExecutorConfig;
  plan: ExecutorPlan;
  /** Flows with their weights, in file order. */
  flows: [FlowName, number][];
  concurrentDuplicates: number;
  retryDuplicates: number;
  amount: { min: number; max: number };
  /** Iterations the schedule asks for (arrival executors), for the plan summary. */
  plannedIterations?: number;
}

export interface LoadPlan {
  file: string;
  scenario: LoadScenario;
  executors: CompiledExecutor[];
  thresholds: ThresholdSet;
}

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validateTop = ajv.compile(LOAD_SCENARIO_SCHEMA);
const validateExecutor = Object.fromEntries(Object.entries(EXECUTOR_SCHEMAS).map(([k, s]) => [k, ajv.compile(s)]));

const pointer = (...parts: (string | number)[]): string => parts.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** Builds the engine plan of one executor, adding located problems for values no run can honour. */
function planExecutor(name: string, config: ExecutorConfig, at: (p: string) => string, problems: string[]): ExecutorPlan | undefined {
  const base = pointer('scenarios', name);
  const ms = (value: string | undefined, key: string, fallback: number): number => {
    if (value === undefined) return fallback;
    const parsed = parseDuration(value);
    if (parsed === undefined) problems.push(`${at(`${base}/${key}`)}: ${key} "${value}" is not a duration (hint: k6 durations look like 500ms, 30s, 1m30s)`);
    return parsed ?? fallback;
  };
  const startTimeMs = ms(config.startTime, 'startTime', 0);
  const gracefulStopMs = ms(config.gracefulStop, 'gracefulStop', 30_000);
  if (config.executor === 'constant-vus') {
    const durationMs = ms(config.duration, 'duration', 0);
    return { kind: 'vus', name, vus: config.vus, durationMs, startTimeMs, gracefulStopMs };
  }
  const timeUnitMs = ms(config.timeUnit, 'timeUnit', 1000);
  const maxVUs = config.maxVUs ?? config.preAllocatedVUs;
  if (maxVUs < config.preAllocatedVUs) {
    problems.push(`${at(`${base}/maxVUs`)}: maxVUs (${maxVUs}) is below preAllocatedVUs (${config.preAllocatedVUs}) (hint: raise maxVUs or lower preAllocatedVUs)`);
  }
  const checkRate = (rate: number, where: string): void => {
    if (timeUnitMs > 0 && (rate / timeUnitMs) * 1000 > MAX_RATE_PER_SECOND) {
      problems.push(`${at(where)}: ${rate} per ${config.timeUnit ?? '1s'} is ${Math.round((rate / timeUnitMs) * 1000)} iterations/s, more than one machine can start (${MAX_RATE_PER_SECOND}/s) (hint: lower the rate, or export to k6-operator and run it distributed)`);
    }
  };
  if (timeUnitMs <= 0) problems.push(`${at(`${base}/timeUnit`)}: timeUnit must be longer than 0 (hint: e.g. 1s)`);
  if (config.executor === 'constant-arrival-rate') {
    const durationMs = ms(config.duration, 'duration', 0);
    checkRate(config.rate, `${base}/rate`);
    const planned = timeUnitMs > 0 ? Math.floor((config.rate * durationMs) / timeUnitMs + 1e-9) : 0;
    if (planned < 1 && durationMs > 0 && timeUnitMs > 0) {
      problems.push(`${at(`${base}/rate`)}: ${config.rate} per ${config.timeUnit ?? '1s'} for ${config.duration} starts no iteration at all (hint: raise the rate or lengthen the duration)`);
    }
    return { kind: 'arrival', name, arrivals: () => constantArrivals(config.rate, timeUnitMs, durationMs), durationMs, preAllocatedVUs: config.preAllocatedVUs, maxVUs: Math.max(maxVUs, config.preAllocatedVUs), startTimeMs, gracefulStopMs };
  }
  const stages = config.stages.map((stage, i) => {
    checkRate(stage.target, `${base}/stages/${i}/target`);
    return { targetPerMs: timeUnitMs > 0 ? stage.target / timeUnitMs : 0, durationMs: ms(stage.duration, `stages/${i}/duration`, 0) };
  });
  checkRate(config.startRate ?? 0, `${base}/startRate`);
  const startPerMs = timeUnitMs > 0 ? (config.startRate ?? 0) / timeUnitMs : 0;
  const durationMs = stages.reduce((n, s) => n + s.durationMs, 0);
  return { kind: 'arrival', name, arrivals: () => rampingArrivals(startPerMs, stages), durationMs, preAllocatedVUs: config.preAllocatedVUs, maxVUs: Math.max(maxVUs, config.preAllocatedVUs), startTimeMs, gracefulStopMs };
}

function shiftErrors(errors: readonly ErrorObject[], prefix: string): ErrorObject[] {
  return errors.map((e) => ({ ...e, instancePath: `${prefix}${e.instancePath}` }));
}

/** Validates a parsed scenario and compiles it; every problem at once, each with file:line:col. */
export function compileLoadScenario(located: LocatedDocument): LoadPlan {
  const file = located.file;
  if (located.syntaxProblems.length) throw new ConfigError(file, located.syntaxProblems);
  const value = located.value;
  if (!validateTop(value)) throw new ConfigError(file, describeAjvErrors(located, validateTop.errors ?? []));
  const scenario = value as unknown as LoadScenario;
  const at = (p: string): string => locate(located, p);
  const problems: string[] = [];
  let schemaErrors: ErrorObject[] = [];
  for (const [name, config] of Object.entries(scenario.scenarios)) {
    const validate = validateExecutor[config.executor];
    if (!validate) {
      problems.push(`${at(pointer('scenarios', name, 'executor'))}: unknown executor "${String(config.executor)}" (hint: ${suggest(String(config.executor), EXECUTORS)}use one of: ${EXECUTORS.join(', ')})`);
    } else if (!validate(config)) {
      schemaErrors = schemaErrors.concat(shiftErrors(validate.errors ?? [], pointer('scenarios', name)));
    }
  }
  if (schemaErrors.length) problems.push(...describeAjvErrors(located, schemaErrors));
  if (problems.length) throw new ConfigError(file, problems);

  const executors: CompiledExecutor[] = [];
  for (const [name, config] of Object.entries(scenario.scenarios)) {
    const plan = planExecutor(name, config, at, problems);
    const flows = Object.entries(config.flows ?? { create: 1 }) as [FlowName, number][];
    if (flows.every(([, w]) => w <= 0)) problems.push(`${at(pointer('scenarios', name, 'flows'))}: every flow weight is 0 (hint: give at least one flow a positive weight)`);
    const amount = typeof config.amount === 'number' ? { min: config.amount, max: config.amount } : (config.amount ?? { min: 1000, max: 1000 });
    if (amount.min > amount.max) problems.push(`${at(pointer('scenarios', name, 'amount'))}: amount.min is above amount.max`);
    const concurrent = config.duplicates?.concurrent ?? 0;
    const retry = config.duplicates?.retry ?? 0;
    if (concurrent + retry > 1) problems.push(`${at(pointer('scenarios', name, 'duplicates'))}: duplicate fractions add up to more than 1`);
    if (plan) executors.push({ name, config, plan, flows, concurrentDuplicates: concurrent, retryDuplicates: retry, amount });
  }
  problems.push(...loadFaultProblems(scenario.faults, at));
  if (scenario.finalReadsAfter !== undefined && parseDuration(scenario.finalReadsAfter) === undefined) {
    problems.push(`${at(pointer('finalReadsAfter'))}: finalReadsAfter "${scenario.finalReadsAfter}" is not a duration (hint: e.g. 500ms or 5s)`);
  }
  const compiled = compileThresholds(scenario.thresholds ?? {});
  for (const problem of compiled.problems) {
    const where = problem.index === undefined || !Array.isArray(scenario.thresholds?.[problem.key]) ? pointer('thresholds', problem.key) : pointer('thresholds', problem.key, problem.index);
    problems.push(`${at(where)}: threshold on ${problem.key}: ${problem.message}`);
  }
  if (problems.length) throw new ConfigError(file, problems);
  return { file, scenario, executors, thresholds: compiled.set };
}

export function parseLoadScenario(file: string, text: string): LoadPlan {
  return compileLoadScenario(parseLocated(file, text));
}

/** Reads and compiles a scenario file. */
export function loadLoadScenario(file: string): LoadPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError('E_SCENARIO_READ', `cannot read load scenario ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      hint: 'pass the path of a YAML file such as scenarios/load/standard.yaml',
    });
  }
  return parseLoadScenario(file, text);
}
