import type { ApiProfile } from '../config/profile-types.js';
import { UsageError } from '../errors.js';

/** The merchant the profile's top-level `headers` stand for, unless `merchants` names it itself. */
export const DEFAULT_MERCHANT = 'default';

/** Every merchant the profile can act as: `default` (its `headers`) and each of `merchants`. */
export function merchantNames(profile: ApiProfile): string[] {
  return [...new Set([DEFAULT_MERCHANT, ...Object.keys(profile.merchants ?? {})])];
}

/**
 * The headers a request as `merchant` carries: the profile's `headers` with the merchant's on top
 * (a header both name takes the merchant's value). Unresolved `${VAR}` references stay, as in `headers`.
 */
export function merchantHeaders(profile: ApiProfile, merchant: string | undefined): Record<string, string> {
  if (merchant === undefined) return profile.headers;
  const own = profile.merchants?.[merchant];
  if (!own && merchant !== DEFAULT_MERCHANT) {
    throw new UsageError('E_PROFILE_MERCHANT', `profile "${profile.name}" has no merchant "${merchant}"`, {
      hint: `declare it under merchants: in the profile (known: ${merchantNames(profile).join(', ')})`,
    });
  }
  if (!own) return profile.headers;
  // Header names are case-insensitive: the merchant's Authorization replaces the default's authorization.
  const overridden = new Set(Object.keys(own.headers).map((h) => h.toLowerCase()));
  const base = Object.fromEntries(Object.entries(profile.headers).filter(([h]) => !overridden.has(h.toLowerCase())));
  return { ...base, ...own.headers };
}
