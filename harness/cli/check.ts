import type { Command } from 'commander';
import { resolve } from 'node:path';
import { judgeHistoryFile } from '../checks/stream-file.js';
import { historyFileIn } from '../history/history-file.js';
import { loadProfile } from '../config/profile.js';
import { exitCodeOf, nothingJudged } from '../run/verdict.js';
import { writeReports, renderConsole } from '../report/index.js';
import { findCheck } from '../checks/index.js';
import { UsageError } from '../errors.js';
import { isDiffRun, rejudgeDiff } from '../diff/rejudge-diff.js';
import { renderDiffConsole } from '../diff/diff-reports.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('re-judge a saved run: read <run-dir>/history.jsonl (or history.jsonl.gz), run the checks, rewrite verdict.json, junit.xml and report.html')
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
      const { history, verdict } = await judgeHistoryFile(historyFileIn(runDir), { profile: opts.profile ? loadProfile(opts.profile) : undefined, checks: opts.check });
      await writeReports(runDir, { history, verdict });
      process.stdout.write(renderConsole(verdict, runDir));
      const empty = nothingJudged(verdict);
      if (empty) process.stdout.write(`${empty}\n`);
      process.exitCode = exitCodeOf(verdict.verdict);
    });
}
