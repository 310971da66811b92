import type { Command } from 'commander';
import { initProfile } from '../profile/profile-init.js';

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
        + `${result.todos} TODO${result.todos === 1 ? '' : 's'} to fill in (the profile will not load until they are)\n`,
      );
    });
}
