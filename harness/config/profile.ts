import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ApiProfile } from './profile-types.js';
import { SANDBOX_PROFILE } from './sandbox-profile.js';
import { PROFILE_SCHEMA } from './profile-schema.js';
import { describeAjvErrors, parseLocated } from './located-yaml.js';
import { ConfigError, UsageError } from '../errors.js';

const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validateProfile = ajv.compile(PROFILE_SCHEMA);

/** The built-in profiles a scenario or `--profile` may name instead of a file. */
export const BUILTIN_PROFILES: Readonly<Record<string, ApiProfile>> = { sandbox: SANDBOX_PROFILE };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge for `extends:`; arrays and scalars in `over` replace. */
function merge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

/** Extra semantic checks the schema can't express (lifecycle states that are never declared). */
function semanticProblems(profile: ApiProfile, file: string): string[] {
  const problems: string[] = [];
  const { lifecycle } = profile;
  const known = new Set([...lifecycle.initial, ...lifecycle.terminal, ...Object.keys(lifecycle.transitions)]);
  for (const [from, tos] of Object.entries(lifecycle.transitions)) {
    if (lifecycle.terminal.includes(from) && tos.length > 0) {
      problems.push(`${file}: lifecycle state "${from}" is terminal but has transitions (hint: remove it from terminal or from transitions)`);
    }
    for (const to of tos) known.add(to);
  }
  return problems;
}

/** Parses and validates profile text; every problem at once, located. */
export function parseProfile(file: string, text: string): ApiProfile {
  const located = parseLocated(file, text);
  if (located.syntaxProblems.length) throw new ConfigError(file, located.syntaxProblems);
  let value = located.value;
  if (isPlainObject(value) && value.extends === 'sandbox') value = merge(SANDBOX_PROFILE, value);
  if (!validateProfile(value)) throw new ConfigError(file, describeAjvErrors(located, validateProfile.errors ?? []));
  const profile = value as unknown as ApiProfile & { extends?: string };
  delete profile.extends;
  const problems = semanticProblems(profile, file);
  if (problems.length) throw new ConfigError(file, problems);
  return profile;
}

/** Loads a profile file (YAML, camelCase keys) or a built-in name (`sandbox`). */
export function loadProfile(fileOrName: string): ApiProfile {
  const builtin = BUILTIN_PROFILES[fileOrName];
  if (builtin) return structuredClone(builtin);
  let text: string;
  try {
    text = readFileSync(fileOrName, 'utf8');
  } catch (error) {
    throw new UsageError('E_PROFILE_READ', `cannot read profile ${fileOrName}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
      hint: `give a YAML profile file, or one of the built-in profiles: ${Object.keys(BUILTIN_PROFILES).join(', ')}`,
    });
  }
  return parseProfile(fileOrName, text);
}
