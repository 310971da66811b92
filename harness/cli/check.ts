import type { Command } from 'commander';
import { resolve } from 'node:path';
import { judgeHistoryFile } from '../checks/stream-file.js';
import { historyFileIn } from '../history/history-file.js';
import { loadProfile } from '../config/profile.js';
import { exitCodeOf, nothingJudged } from '../run/verdict.js';
import { writeReports, renderConsole } from '../report/index.js';
import { findCheck } from '../checks/index.js';
import { InterruptedError, UsageError } from '../errors.js';
import { failingOnlyFooter, failingOnlyVerdict, readFailingOnly, renderFailingOnly } from '../history/failing-only-verdict.js';
import { isDiffRun, rejudgeDiff } from '../diff/rejudge-diff.js';
import { renderDiffConsole } from '../diff/diff-reports.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('re-judge a saved run: read <run-dir>/history.jsonl (or history.jsonl.gz), run the checks, rewrite verdict.json, junit.xml and report.html (exit codes as the run: 0 pass, 1 fail, 2 inconclusive, 3 bad input, 130 the run was interrupted)')
    .argument('<run-dir>', 'a run directory written by `payharness chaos run`, `load run`, `contracts chaos`, `diff` or `demo`')
    .option('--profile <file>', 'judge with this profile instead of the one stored in the history')
    .option('--check <name>', 'run only these checks (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .action(async (dir: string, opts: { profile?: string; check?: string[] }) => {
      opts.check?.forEach(findCheck);
      const runDir = resolve(dir);
      if (isDiffRun(runDir)) {
        // A differential run: every side is re-judged with its own stored profile and checks, then the comparison.
        if (opts.profile || opts.check) throw new UsageError('E_CHECK_DIFF_OPTIONS', '--profile and --check do not apply to a differential run', { hint: `run \`payharness check ${dir}\` alone; each side is judged with the profile it ran with` });
        const diff = await rejudgeDiff(runDir);
        process.stdout.write(renderDiffConsole(diff.verdict, runDir));
        process.exitCode = diff.exitCode;
        return;
      }
      // Streamed: a soak run's history is judged without holding it (the equality tests hold it to judgeRun's verdict).
      const file = historyFileIn(runDir);
      // A history that kept only failing flows cannot be judged afresh: the run's own verdict, beside what the kept records show.
      const failingOnly = await readFailingOnly(file);
      // Its flows were written as they were judged, out of time order: held to the end, each is judged whole.
      const judged = await judgeHistoryFile(file, {
        ...(opts.profile ? { profile: loadProfile(opts.profile) } : {}), ...(opts.check ? { checks: opts.check } : {}), ...(failingOnly ? { settleAfterMs: Infinity } : {}),
      });
      const { history } = judged;
      const overridden = opts.profile !== undefined || opts.check !== undefined;
      if (failingOnly) process.stdout.write(renderFailingOnly(failingOnly, judged.verdict, overridden));
      const verdict = failingOnly ? failingOnlyVerdict(judged.verdict, failingOnly, overridden) : judged.verdict;
      await writeReports(runDir, { history, verdict });
      process.stdout.write(renderConsole(verdict, runDir));
      if (failingOnly) process.stdout.write(failingOnlyFooter(failingOnly, verdict, overridden));
      const empty = nothingJudged(verdict);
      if (empty) process.stdout.write(`${empty}\n`);
      // The same exit code as the run: an interrupted run's history is partial, and its run exited 130.
      if (verdict.interrupted) throw new InterruptedError(`the run in ${runDir} was interrupted (or killed): its history is partial, so the verdict above judges only what was recorded`, { hint: 'run it again to completion for a full verdict' });
      process.exitCode = exitCodeOf(verdict.verdict);
    });
}
