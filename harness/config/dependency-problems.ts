import { findFault } from '../faults/index.js';
import { BUILTIN_PATHS, PROVIDER_PATH, type DependencySpec } from './scenario-types.js';

/** What `dependencyProblems` needs of a raw scenario: its faults' paths and types, its declared links. */
interface RawPaths {
  faults?: { type: string; proxy?: string }[];
  dependencies?: Record<string, DependencySpec>;
}

/** The fault type that acts on the provider's process rather than on a link. */
export const CRASH_FAULT = 'crash';

/**
 * Problems the schema cannot see: a fault names a link the scenario does not declare, a crash names
 * a link (or a link fault names the process), or a dependency takes a name the run already uses.
 */
export function dependencyProblems(raw: RawPaths, locate: (pointer: string) => string): string[] {
  const problems: string[] = [];
  const declared = Object.keys(raw.dependencies ?? {});
  for (const name of declared) {
    if ((BUILTIN_PATHS as readonly string[]).includes(name) || name === PROVIDER_PATH) {
      problems.push(`${locate(`/dependencies/${name}`)}: a dependency cannot be called "${name}" (hint: api, callbacks and provider are taken; call it database, broker…)`);
    }
  }
  const listens = new Map<string, string>();
  for (const [name, dep] of Object.entries(raw.dependencies ?? {})) {
    const other = listens.get(dep.listen);
    if (other) problems.push(`${locate(`/dependencies/${name}/listen`)}: ${dep.listen} is also the listen address of "${other}" (hint: each link needs its own port)`);
    listens.set(dep.listen, name);
  }
  raw.faults?.forEach((f, i) => {
    const at = locate(`/faults/${i}/proxy`);
    if (f.type === CRASH_FAULT) {
      if (f.proxy !== undefined && f.proxy !== PROVIDER_PATH) problems.push(`${at}: a crash acts on the provider process: write proxy: ${PROVIDER_PATH} (or leave proxy out)`);
      return;
    }
    if (f.proxy === undefined) return; // the schema already says it is required
    if (f.proxy === PROVIDER_PATH) {
      problems.push(`${at}: only a crash acts on the provider process; ${f.type} needs a link (api, callbacks${declared.length ? `, ${declared.join(', ')}` : ''})`);
    } else if (declared.includes(f.proxy) && findFault(f.type)?.layer === 'http') {
      problems.push(`${at}: ${f.type} is an HTTP fault; the "${f.proxy}" link carries its own protocol (hint: use a TCP fault: reset_peer, latency, timeout, limit_data, down)`);
    } else if (!(BUILTIN_PATHS as readonly string[]).includes(f.proxy) && !declared.includes(f.proxy)) {
      problems.push(`${at}: no proxy "${f.proxy}" (hint: api, callbacks, or a link declared under dependencies:${declared.length ? ` ${declared.join(', ')}` : ' none declared'})`);
    }
  });
  return problems;
}
