import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ApiProfile } from './profile-types.js';
import { SANDBOX_PROFILE } from './sandbox-profile.js';
import { PROFILE_SCHEMA } from './profile-schema.js';
import { describeAjvErrors, locate, parseLocated, type LocatedDocument } from './located-yaml.js';
import { isPathOnTarget } from '../safety.js';
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

/** Every request path a profile declares, as JSON pointers with the name users know it by. */
function declaredPaths(value: unknown): { pointer: string; what: string; path: unknown }[] {
  if (!isPlainObject(value)) return [];
  const found: { pointer: string; what: string; path: unknown }[] = [];
  if (isPlainObject(value.operations)) {
    for (const [op, spec] of Object.entries(value.operations)) {
      if (isPlainObject(spec)) found.push({ pointer: `/operations/${op}/path`, what: `operation "${op}"`, path: spec.path });
    }
  }
  if (isPlainObject(value.webhooks) && isPlainObject(value.webhooks.register)) {
    found.push({ pointer: '/webhooks/register/path', what: 'operation "webhooks.register"', path: value.webhooks.register.path });
  }
  found.push({ pointer: '/providerStatesPath', what: 'providerStatesPath', path: value.providerStatesPath });
  return found.filter((f) => typeof f.path === 'string');
}

/**
 * Paths that would take a request off the target (`//evil.example/v1`, `http://other/x`): they would
 * bypass the `--allow-target` guard, so they are refused before anything is sent.
 */
function offTargetPaths(located: LocatedDocument, value: unknown): { pointers: Set<string>; problems: string[] } {
  const offending = declaredPaths(value).filter((f) => !isPathOnTarget(f.path as string));
  return {
    pointers: new Set(offending.map((f) => f.pointer)),
    problems: offending.map((f) => `${locate(located, f.pointer)}: ${f.what} has path ${JSON.stringify(f.path)}, which would leave the target `
      + '(hint: a profile path starts with a single "/" and names a path on the target, e.g. /v1/payments; the host comes from --target)'),
  };
}

/** Parses and validates profile text; every problem at once, located. */
export function parseProfile(file: string, text: string): ApiProfile {
  const located = parseLocated(file, text);
  if (located.syntaxProblems.length) throw new ConfigError(file, located.syntaxProblems);
  let value = located.value;
  if (isPlainObject(value) && value.extends === 'sandbox') value = merge(SANDBOX_PROFILE, value);
  const offTarget = offTargetPaths(located, value);
  if (!validateProfile(value) || offTarget.problems.length) {
    // The schema's own complaint about an off-target path would say the same thing less clearly.
    const schemaErrors = (validateProfile.errors ?? []).filter((e) => !offTarget.pointers.has(e.instancePath));
    throw new ConfigError(file, [...offTarget.problems, ...describeAjvErrors(located, schemaErrors)]);
  }
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
