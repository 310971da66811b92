import { asHarnessError } from '../sandbox-error.js';
import { ExitCode, HarnessError } from '../errors.js';

/** One line of a stage's result: an interaction, a check of a scenario, a threshold. */
export interface GateCase {
  name: string;
  verdict: 'pass' | 'fail' | 'unknown' | 'skipped';
  /** Why it failed (first reason / witness), for JUnit's message attribute. */
  message?: string;
  details?: string;
}

/** What one gate stage concluded. `error`: it could not run (bad input or broken infrastructure). */
export interface StageResult {
  name: 'contracts' | 'contract-chaos' | 'chaos' | 'load' | 'can-i-deploy';
  verdict: 'pass' | 'fail' | 'unknown' | 'error' | 'skipped';
  exitCode: number;
  summary: string;
  cases: GateCase[];
  /** The stage's own run directory (history, reports), when it has one. */
  runDir?: string;
  error?: { code: string; message: string; hint?: string };
}

/** Runs a stage, turning a HarnessError into an `error` result so the other stages still run. */
export async function runStage(name: StageResult['name'], body: () => Promise<StageResult>): Promise<StageResult> {
  try {
    return await body();
  } catch (thrown) {
    const error = asHarnessError(thrown);
    if (!(error instanceof HarnessError)) throw error;
    return {
      name,
      verdict: 'error',
      exitCode: error.exitCode,
      summary: `${name} could not run: ${error.message}`,
      cases: [{ name, verdict: 'unknown', message: error.message, details: error.hint }],
      error: { code: error.code, message: error.message, hint: error.hint },
    };
  }
}

/**
 * The gate's exit code: a definite failure anywhere wins (1), then a stage that could not run
 * (its 3 or 4), then inconclusive (2); 0 only when every stage that ran passed.
 */
export function gateExitCode(stages: readonly StageResult[]): number {
  if (stages.some((s) => s.verdict === 'fail')) return ExitCode.failed;
  const errored = stages.find((s) => s.verdict === 'error');
  if (errored) return errored.exitCode;
  if (stages.some((s) => s.verdict === 'unknown')) return ExitCode.inconclusive;
  return ExitCode.pass;
}

export function verdictOfExit(code: number): StageResult['verdict'] {
  return code === ExitCode.pass ? 'pass' : code === ExitCode.failed ? 'fail' : code === ExitCode.inconclusive ? 'unknown' : 'error';
}
