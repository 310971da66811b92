import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

/** One interaction of a pact, in the shape payharness reads (V2–V4; HTTP and messages). */
export interface PactInteraction {
  description: string;
  type?: string;
  providerStates?: Array<{ name: string; params?: Record<string, unknown> }>;
  providerState?: string;
  request?: {
    method: string;
    path: string;
    query?: Record<string, string[] | string> | string;
    headers?: Record<string, string[] | string>;
    body?: unknown;
    generators?: Record<string, unknown>;
  };
  response?: { status: number; headers?: Record<string, string[] | string>; body?: unknown };
}

export interface PactFile {
  file: string;
  consumer: string;
  provider: string;
  interactions: PactInteraction[];
  specification: string;
}

/** Whether parsing `prefix` failed only because the text ended (so the real error lies further on). */
function failsAtEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (error) {
    const message = (error as Error).message;
    const at = /at position (\d+)/.exec(message);
    return /end of JSON input/.test(message) || (at !== null && Number(at[1]) >= prefix.trimEnd().length);
  }
}

/** `:line:column` of the first character JSON.parse rejects (Node does not always say where). */
function lineColumn(text: string): string {
  let lo = 0;
  let hi = text.length;
  // The shortest prefix that fails for a reason other than ending early ends at the bad character.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsAtEnd(text.slice(0, mid + 1))) lo = mid + 1;
    else hi = mid;
  }
  const before = text.slice(0, lo);
  return `:${before.split('\n').length}:${lo - before.lastIndexOf('\n')}`;
}

/** Reads and checks a pact file; malformed JSON or a JSON file that is not a pact is bad input (exit 3). */
export function loadPactFile(file: string): PactFile {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new UsageError('E_PACT_FILE', `pact file not found: ${file}`, { hint: 'run `payharness contracts test` to write contracts/pacts/*.json' });
  }
  const text = readFileSync(file, 'utf8');
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    // Node quotes a multi-line snippet after ", ..."; the location already says where.
    const message = (error as Error).message.split(', ..."')[0]!.replace(/\s+/g, ' ').replace(/ in JSON at position \d+$/, '');
    throw new UsageError('E_PACT_FILE', `not valid JSON (${message})`, { location: `${file}${lineColumn(text)}`, hint: 'a pact file is JSON written by a Pact consumer test' });
  }
  const problems: string[] = [];
  const consumer = (json?.consumer as { name?: unknown } | undefined)?.name;
  const provider = (json?.provider as { name?: unknown } | undefined)?.name;
  const interactions = json?.interactions ?? json?.messages;
  if (typeof consumer !== 'string') problems.push('missing consumer.name');
  if (typeof provider !== 'string') problems.push('missing provider.name');
  if (!Array.isArray(interactions)) problems.push('missing the interactions array');
  else if (interactions.some((i) => typeof (i as { description?: unknown })?.description !== 'string')) problems.push('an interaction has no description');
  if (problems.length > 0) {
    throw new UsageError('E_NOT_A_PACT', `not a pact file: ${problems.join(', ')}`, { location: file, hint: 'pass a file written by a Pact consumer test (contracts/pacts/*.json)' });
  }
  const metadata = json.metadata as { pactSpecification?: { version?: string }; 'pact-specification'?: { version?: string } } | undefined;
  return {
    file,
    consumer: consumer as string,
    provider: provider as string,
    interactions: interactions as PactInteraction[],
    specification: metadata?.pactSpecification?.version ?? metadata?.['pact-specification']?.version ?? '2.0.0',
  };
}

/** The pact files of a directory, each checked; an empty or missing directory is bad input. */
export function loadPactDir(dir: string): PactFile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError('E_PACT_DIR', `pact directory not found: ${dir}`, { hint: 'run `payharness contracts test` first, or pass --pact-dir DIR' });
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new UsageError('E_PACT_DIR', `no pact files (*.json) in ${dir}`, { hint: 'run `payharness contracts test` first' });
  return files.map((f) => loadPactFile(path.join(dir, f)));
}

/** The provider states an interaction names (V3/V4 `providerStates`, V2 `providerState`). */
export function statesOf(interaction: PactInteraction): Array<{ name: string; params?: Record<string, unknown> }> {
  if (interaction.providerStates) return interaction.providerStates;
  return interaction.providerState ? [{ name: interaction.providerState }] : [];
}
