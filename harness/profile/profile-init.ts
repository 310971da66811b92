import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { loadOpenApi } from './openapi-read.js';
import { draftProfile } from './openapi-draft.js';
import { renderDraft } from './draft-yaml.js';

/** What `profile init` produced: the YAML, and counts for the summary line. */
export interface InitResult {
  yaml: string;
  operations: string[];
  guesses: number;
  todos: number;
  /** Sections left commented out at the end of the draft, for the user to fill in (`refundLedger`, `webhooks.eventKinds`). */
  commented: string[];
}

/** Drafts a profile from an OpenAPI 3 document (file or URL); writes it to `out` when given (refusing to overwrite unless `force`). */
export async function initProfile(options: { openapi: string; out?: string; force?: boolean }): Promise<InitResult> {
  if (options.out && !options.force && existsSync(options.out)) {
    throw new UsageError('E_PROFILE_EXISTS', `${options.out} already exists`, { hint: 'choose another --out, or pass --force to overwrite it' });
  }
  const doc = await loadOpenApi(options.openapi);
  const draft = draftProfile(doc);
  const yaml = renderDraft(draft, options.openapi);
  if (options.out) await writeFile(options.out, yaml);
  const ops = draft.profile.operations as Record<string, unknown>;
  return {
    yaml,
    operations: Object.keys(ops).filter((k) => typeof ops[k] === 'object'),
    guesses: draft.notes.length,
    todos: draft.todos.length,
    // Each commented block starts with the section's name: " refundLedger: …".
    commented: draft.commented.map((lines) => (lines[0] ?? '').trim().split(':')[0]!),
  };
}
