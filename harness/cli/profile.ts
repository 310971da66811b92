import type { Command } from 'commander';
import { loadProfile } from '../config/profile.js';
import { UsageError } from '../errors.js';
import { initProfile } from '../profile/profile-init.js';
import { checkProfile } from '../profile/profile-check.js';
import { formatLines } from '../profile/check-report.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerProfile(program: Command): void {
  const profile = program.command('profile').description('write and check API profiles (reference: docs/profiles.md)');
  profile
    .command('init')
    .description('draft a profile from an OpenAPI 3 document: every guess commented, every gap a TODO that loading the profile reports')
    .requiredOption('--openapi <file|url>', 'the API\'s OpenAPI 3 document (JSON or YAML), a file or an http(s) URL (FastAPI: /openapi.json, Spring: /v3/api-docs)')
    .option('--out <file>', 'write the draft here (default: print it)')
    .option('--force', 'overwrite --out if it exists', false)
    .action(async (opts: { openapi: string; out?: string; force: boolean }) => {
      const result = await initProfile(opts);
      if (!opts.out) {
        process.stdout.write(result.yaml);
        return;
      }
      process.stderr.write(
        `wrote ${opts.out}: operations ${result.operations.join(', ') || 'none found'}; ${result.guesses} guesses commented; `
        + `${result.todos} TODO${result.todos === 1 ? '' : 's'} to fill in (the profile will not load until they are)`
        + `${result.commented.length ? `; commented out at the end, to fill in if the API has them: ${result.commented.join(', ')}` : ''}\n`,
      );
    });
  profile
    .command('check')
    .description('run one real flow per operation the profile declares (create, get, list, capture, refund, cancel, webhook, callback, '
      + 'replay, key reuse) and show what every field path resolved to; exit 0 all ok, 1 the profile does not fit the API, 3 bad input, 4 target unreachable')
    .requiredOption('--target <url>', 'the API\'s base URL (a base path such as /api/v2 is kept)')
    .requiredOption('--profile <file|name>', 'the profile to check (a YAML file, or a built-in name: sandbox)')
    .option('--allow-target <host>', 'allow a non-loopback target host (repeatable); the check creates real payments', collect, [])
    .option('--callback-wait <ms>', 'how long to wait for a callback about the check\'s payments', (v) => Number(v), 10_000)
    .action(async (opts: { target: string; profile: string; allowTarget: string[]; callbackWait: number }) => {
      if (!Number.isFinite(opts.callbackWait) || opts.callbackWait < 0) {
        throw new UsageError('E_CALLBACK_WAIT', `--callback-wait must be 0 or more milliseconds, got ${String(opts.callbackWait)}`, { hint: 'e.g. --callback-wait 10000' });
      }
      const result = await checkProfile({
        target: opts.target, profile: loadProfile(opts.profile), allowTargets: opts.allowTarget, callbackWaitMs: opts.callbackWait,
      });
      process.stdout.write(formatLines(result.lines));
      const bad = result.lines.filter((l) => l.mark !== 'ok');
      for (const r of result.remains) process.stdout.write(`left on the API: ${r}\n`);
      process.stdout.write(bad.length === 0
        ? `profile fits: ${result.lines.length} lines ok\n`
        : `profile does not fit: ${bad.length} of ${result.lines.length} lines not ok: ${[...new Set(bad.map((l) => `${l.op} ${l.path ?? l.what}`))].join('; ')}\n`);
      process.exitCode = result.exitCode;
    });
}
