import { hashString, mulberry32 } from '../../random.js';
import type { ToxicWrapper } from '../toxic-wrapper.js';
import type { RequestKey } from './request-key.js';

/** The request facts selection looks at. */
export interface RequestFacts {
  method: string;
  /** Path without the query string. */
  path: string;
  /** The query string without its `?` (absent or empty when the request has none). */
  query?: string;
  /** The request's key (prefix stripped for decisions), if it has one. */
  key?: RequestKey;
}

/** How one request fared at one toxic. */
export interface Selection {
  selected: boolean;
  /** Keyed requests: 1 for the first request of this method and key at this toxic, 2 for its retry, … */
  occurrence?: number;
}

/** Where decisions come from besides the request: the server's seed and arrival-order generator. */
export interface SelectionContext {
  /** Default `seed` of keyed decisions. */
  seed: number;
  /** Draws for keyless requests, in arrival order. */
  random: () => number;
  /** performance.now() when the request arrived (for `window`). */
  now: number;
}

interface ToxicCounters {
  /** Matching requests so far, any key (first / every). */
  matched: number;
  /** Matching requests so far per method and decision key. */
  perKey: Map<string, number>;
}

const counters = new WeakMap<ToxicWrapper, ToxicCounters>();

function countersOf(toxic: ToxicWrapper): ToxicCounters {
  let found = counters.get(toxic);
  if (!found) {
    found = { matched: 0, perKey: new Map() };
    counters.set(toxic, found);
  }
  return found;
}

function globToRegExp(glob: string): RegExp {
  const source = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`);
}

/**
 * A filter's query part (`action=capture`) holds when every parameter it names is in the request's
 * query with a value its glob matches, in any order and beside any others: APIs routed by query
 * string (`/payment.php?action=capture&id=7`) can have one action faulted.
 */
function queryMatches(filter: string, query: string | undefined): boolean {
  const actual = new URLSearchParams(query ?? '');
  for (const [name, valueGlob] of new URLSearchParams(filter)) {
    const pattern = globToRegExp(valueGlob);
    if (!actual.getAll(name).some((value) => pattern.test(value))) return false;
  }
  return true;
}

/** `method` and `path` (with an optional `?query` part) narrow which requests count as matching at all (and advance every counter). */
export function matchesFilters(toxic: ToxicWrapper, request: RequestFacts): boolean {
  const { method, path } = toxic.attributes;
  if (typeof method === 'string' && method.toUpperCase() !== request.method.toUpperCase()) return false;
  if (typeof path === 'string') {
    const queryAt = path.indexOf('?');
    if (!globToRegExp(queryAt < 0 ? path : path.slice(0, queryAt)).test(request.path)) return false;
    if (queryAt >= 0 && !queryMatches(path.slice(queryAt + 1), request.query)) return false;
  }
  return true;
}

/**
 * A uniform draw in [0, 1) that is a pure function of the seed, the scope and the request's
 * identity (method, key, occurrence) and what the draw is for: the same request gets the same
 * draw whatever arrived before it.
 */
export function keyedDraw(seed: number, scope: string, method: string, key: string, occurrence: number, purpose: string): number {
  return mulberry32(hashString(JSON.stringify([seed, scope, method.toUpperCase(), key, occurrence, purpose])))();
}

/**
 * Decides whether this matching request is faulted: every criterion given must hold.
 * - `first`, `every`, `window` count or time requests in arrival order: with concurrent clients
 *   they select different requests from run to run.
 * - `first_per_key` and, for keyed requests, `probability` and toxicity depend only on the seed,
 *   the scope and the request's identity, so they replay with any concurrency. A keyless request
 *   is never selected by `first_per_key`, and draws `probability` / toxicity from the server's
 *   seeded generator in arrival order (the same only for the same request sequence).
 */
export function selectRequest(toxic: ToxicWrapper, request: RequestFacts, context: SelectionContext): Selection {
  const state = countersOf(toxic);
  const n = ++state.matched;
  const attributes = toxic.attributes;
  const { first, every, window, probability, first_per_key: firstPerKey } = attributes;
  let occurrence: number | undefined;
  if (request.key) {
    const identity = `${request.method.toUpperCase()} ${request.key.decisionKey}`;
    occurrence = (state.perKey.get(identity) ?? 0) + 1;
    state.perKey.set(identity, occurrence);
  }
  let selected = true;
  if (typeof first === 'number' && n > first) selected = false;
  if (typeof every === 'number' && n % every !== 0) selected = false;
  if (window && typeof window === 'object') {
    const elapsed = context.now - toxic.createdAt;
    if (elapsed < window.from_ms || elapsed >= window.to_ms) selected = false;
  }
  if (typeof firstPerKey === 'number' && (occurrence === undefined || occurrence > firstPerKey)) selected = false;
  const draw =
    request.key && occurrence !== undefined
      ? (purpose: string): number => {
          const seed = typeof attributes.seed === 'number' ? attributes.seed : context.seed;
          const scope = typeof attributes.scope === 'string' ? attributes.scope : toxic.name;
          return keyedDraw(seed, scope, request.method, request.key!.decisionKey, occurrence!, purpose);
        }
      : (): number => context.random();
  if (typeof probability === 'number' && !(draw('probability') < probability)) selected = false;
  if (toxic.toxicity < 1 && !(draw('toxicity') < toxic.toxicity)) selected = false;
  return occurrence === undefined ? { selected } : { selected, occurrence };
}
