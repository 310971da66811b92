import type { ToxicWrapper } from '../toxic-wrapper.js';

/** The request facts selection looks at. */
export interface RequestFacts {
  method: string;
  /** Path without the query string. */
  path: string;
}

const matchedCounts = new WeakMap<ToxicWrapper, number>();

function globToRegExp(glob: string): RegExp {
  const source = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`);
}

/** `method` and `path` narrow which requests count as matching at all (and advance first/every). */
export function matchesFilters(toxic: ToxicWrapper, request: RequestFacts): boolean {
  const { method, path } = toxic.attributes;
  if (typeof method === 'string' && method.toUpperCase() !== request.method.toUpperCase()) return false;
  if (typeof path === 'string' && !globToRegExp(path).test(request.path)) return false;
  return true;
}

/**
 * Decides whether this matching request is faulted: every criterion given must hold. The random
 * draw happens for every matching request whenever `probability` (or toxicity < 1) is set, so the
 * same seed and the same request sequence always give the same decisions.
 */
export function selectRequest(toxic: ToxicWrapper, now: number, random: () => number): boolean {
  const n = (matchedCounts.get(toxic) ?? 0) + 1;
  matchedCounts.set(toxic, n);
  const { first, every, window, probability } = toxic.attributes;
  let selected = true;
  if (typeof first === 'number' && n > first) selected = false;
  if (typeof every === 'number' && n % every !== 0) selected = false;
  if (window && typeof window === 'object') {
    const elapsed = now - toxic.createdAt;
    if (elapsed < window.from_ms || elapsed >= window.to_ms) selected = false;
  }
  if (typeof probability === 'number' && !(random() < probability)) selected = false;
  if (toxic.toxicity < 1 && !(random() < toxic.toxicity)) selected = false;
  return selected;
}
