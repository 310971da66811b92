import type { Command } from 'commander';
import { resolve } from 'node:path';
import { readHistory } from '../history/recorder.js';
import { historyFileIn } from '../history/history-file.js';
import { loadProfile } from '../config/profile.js';
import { exitCodeOf, judgeRun, nothingJudged } from '../run/verdict.js';
import { writeReports, renderConsole } from '../report/index.js';
import { findCheck } from '../checks/index.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('re-judge a saved run: read <run-dir>/history.jsonl (or history.jsonl.gz), run the checks, rewrite verdict.json, junit.xml and report.html')
    .argument('<run-dir>', 'a run directory written by `payharness chaos run`, `load run`, `contracts chaos` or `demo`')
    .option('--profile <file>', 'judge with this profile instead of the one stored in the history')
    .option('--check <name>', 'run only these checks (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .action(async (dir: string, opts: { profile?: string; check?: string[] }) => {
      opts.check?.forEach(findCheck);
      const runDir = resolve(dir);
      const history = await readHistory(historyFileIn(runDir));
      const verdict = judgeRun(history, { profile: opts.profile ? loadProfile(opts.profile) : undefined, checks: opts.check });
      await writeReports(runDir, { history, verdict });
      process.stdout.write(renderConsole(verdict, runDir));
      const empty = nothingJudged(verdict);
      if (empty) process.stdout.write(`${empty}\n`);
      process.exitCode = exitCodeOf(verdict.verdict);
    });
}
