import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { readHistory } from '../history/recorder.js';
import { loadProfile } from '../config/profile.js';
import { exitCodeOf, judgeRun, nothingJudged } from '../run/verdict.js';
import { writeReports, renderConsole } from '../report/index.js';
import { findCheck } from '../checks/index.js';
import { UsageError } from '../errors.js';
import { isDiffRun, rejudgeDiff } from '../diff/rejudge-diff.js';
import { renderDiffConsole } from '../diff/diff-reports.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('re-judge a saved run: read <run-dir>/history.jsonl, run the checks, rewrite verdict.json, junit.xml and report.html')
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
      const history = await readHistory(join(runDir, 'history.jsonl'));
      const verdict = judgeRun(history, { profile: opts.profile ? loadProfile(opts.profile) : undefined, checks: opts.check });
      await writeReports(runDir, { history, verdict });
      process.stdout.write(renderConsole(verdict, runDir));
      const empty = nothingJudged(verdict);
      if (empty) process.stdout.write(`${empty}\n`);
      process.exitCode = exitCodeOf(verdict.verdict);
    });
}
