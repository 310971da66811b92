import { execFile } from 'node:child_process';

/** Runs a read-only git query; undefined when git or the repository is not there. */
function git(args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { timeout: 5_000 }, (error, stdout) => {
      const value = stdout?.toString().trim();
      resolve(error || !value ? undefined : value);
    });
  });
}

/** The current commit SHA (CI-provided values first, as detached checkouts are common there). */
export async function gitCommit(): Promise<string | undefined> {
  return process.env.GITHUB_SHA ?? (await git(['rev-parse', 'HEAD']));
}

/** The current branch name; undefined on a detached HEAD. */
export async function gitBranch(): Promise<string | undefined> {
  const fromCi = process.env.GITHUB_HEAD_REF || process.env.GITHUB_REF_NAME;
  if (fromCi) return fromCi;
  const branch = await git(['rev-parse', '--abbrev-ref', 'HEAD']);
  return branch === 'HEAD' ? undefined : branch;
}
