import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ApiProfile, RetryPolicy } from './profile-types.js';
import { SANDBOX_PROFILE } from './sandbox-profile.js';
import { PROFILE_SCHEMA } from './profile-schema.js';
import { describeAjvErrors, locate, parseLocated, type LocatedDocument } from './located-yaml.js';
import { isPathOnTarget } from '../safety.js';
import { coerceWholeReferences, expandProfileEnv, type Env } from '../profile/env-values.js';
import { statusesFor } from '../profile/error-classes.js';
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

/**
 * `extends: sandbox` merged with the file; a retry policy the file reads `from` an endpoint replaces
 * the sandbox's instead of merging with it (keys beside `from` win over the endpoint's, so inherited
 * ones would hide everything it publishes).
 */
function extendSandbox(file: Record<string, unknown>): unknown {
  const merged = merge(SANDBOX_PROFILE, file);
  const policy = isPlainObject(file.webhooks) ? file.webhooks.retryPolicy : undefined;
  if (isPlainObject(policy) && policy.from !== undefined && isPlainObject(merged) && isPlainObject(merged.webhooks)) merged.webhooks.retryPolicy = policy;
  return merged;
}

function valueAtPointer(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const seg of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
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
  if (isPlainObject(value.refundLedger) && isPlainObject(value.refundLedger.list)) {
    found.push({ pointer: '/refundLedger/list/path', what: 'operation "refundLedger.list"', path: value.refundLedger.list.path });
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

/** Pointers of values a draft left as `TODO…` (`profile init` marks every gap so). */
function todoPointers(value: unknown, pointer = ''): string[] {
  if (typeof value === 'string') return /^TODO\b/.test(value) ? [pointer] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => todoPointers(v, `${pointer}/${i}`));
  if (isPlainObject(value)) return Object.entries(value).flatMap(([k, v]) => todoPointers(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  return [];
}

/** `${VAR}` references expanded (see profile/env-values.ts); unset ones without a default refused, each located. */
function expandEnvironment(located: LocatedDocument, env: Env): unknown {
  const expanded = expandProfileEnv(located.value, env);
  if (expanded.missing.length) {
    const lines = expanded.missing.map((m) => `${locate(located, m.pointer)}: \${${m.variable}} is not set`);
    const names = [...new Set(expanded.missing.map((m) => m.variable))];
    throw new UsageError('E_PROFILE_ENV', `${located.file}: environment variable${names.length === 1 ? '' : 's'} ${names.join(', ')} not set\n  ${lines.join('\n  ')}`, {
      location: locate(located, expanded.missing[0]!.pointer),
      hint: `set ${names.join(', ')} in the environment, or give a default in the profile: \${${names[0]}:-value}`,
    });
  }
  coerceWholeReferences(expanded.value, expanded.wholeReferences, PROFILE_SCHEMA);
  return expanded.value;
}

/**
 * Fills what a file may leave out: the idempotency statuses come from the `errors` rules of their
 * class when absent, else the IETF draft's (422 mismatch, 409 in flight); a retry policy without
 * `honoursRetryAfter`, `stopOn` or `timeScale` gets false, [] and 1. Code reading them can rely on them.
 */
function withDefaults(profile: ApiProfile): ApiProfile {
  const idem = profile.idempotency as Partial<ApiProfile['idempotency']> & ApiProfile['idempotency'];
  if (!idem.mismatchStatus) idem.mismatchStatus = statusesFor(profile, 'mismatch').length ? statusesFor(profile, 'mismatch') : [422];
  if (!idem.inFlightStatus) idem.inFlightStatus = statusesFor(profile, 'in-flight').length ? statusesFor(profile, 'in-flight') : [409];
  // The retry policy's optional keys, which the checks read without guarding.
  const policy = profile.webhooks?.retryPolicy as Partial<RetryPolicy> | undefined;
  // A policy read from an endpoint gets its defaults once it is read (resolveRetryPolicy).
  if (policy && !policy.from) {
    policy.honoursRetryAfter ??= false;
    policy.stopOn ??= [];
    policy.timeScale ??= 1;
  }
  return profile;
}

/** Parses and validates profile text; every problem at once, located. `env` defaults to the process's. */
export function parseProfile(file: string, text: string, env: Env = process.env): ApiProfile {
  const located = parseLocated(file, text);
  if (located.syntaxProblems.length) throw new ConfigError(file, located.syntaxProblems);
  const todos = todoPointers(located.value);
  let value = expandEnvironment(located, env);
  if (isPlainObject(value) && value.extends === 'sandbox') value = extendSandbox(value);
  const offTarget = offTargetPaths(located, value);
  const valid = validateProfile(value);
  const errors = validateProfile.errors ?? [];
  if (todos.length || !valid || offTarget.problems.length) {
    // A TODO left by `profile init` is one problem with one hint, not also a pattern or enum error;
    // the schema's own complaint about an off-target path would say the same thing less clearly.
    const todoProblems = todos.map((p) => `${locate(located, p)}: ${p} is still a TODO: ${String(valueAtPointer(located.value, p))} (hint: fill it in from the API's documentation)`);
    const schemaErrors = errors.filter((e) => !offTarget.pointers.has(e.instancePath) && !todos.some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`)));
    throw new ConfigError(file, [...todoProblems, ...offTarget.problems, ...describeAjvErrors(located, schemaErrors)]);
  }
  const profile = withDefaults(value as unknown as ApiProfile) as ApiProfile & { extends?: string };
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
