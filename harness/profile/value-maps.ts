import type { ApiProfile } from '../config/profile-types.js';

/**
 * The value a placeholder is written as: the harness speaks one vocabulary (`captureMode` is
 * `automatic` or `manual`, currencies are upper case) and the profile maps it to the API's
 * (`auto_capture: true`, `eur`). A value the map does not name is written as it is.
 */
export function mapPlaceholder(profile: ApiProfile, name: string, value: unknown): unknown {
  const spec = profile.placeholders?.[name];
  if (!spec || value === undefined) return value;
  let out: unknown = value;
  if (spec.map && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
    const key = String(value);
    if (Object.hasOwn(spec.map, key)) out = spec.map[key];
  }
  const cased = (v: unknown): unknown => (typeof v === 'string' && spec.case ? (spec.case === 'lower' ? v.toLowerCase() : v.toUpperCase()) : v);
  if (Array.isArray(out)) {
    const items = out.map(cased);
    return spec.join === undefined ? items : items.map(String).join(spec.join);
  }
  return cased(out);
}

/** The harness's value for an API value (the reverse map), e.g. `true` → `automatic`; undefined when unmapped. */
export function unmapPlaceholder(profile: ApiProfile, name: string, apiValue: unknown): string | undefined {
  const spec = profile.placeholders?.[name];
  if (!spec?.map) return undefined;
  const folded = (v: unknown): unknown => (typeof v === 'string' && spec.case ? v.toLowerCase() : v);
  for (const [ours, theirs] of Object.entries(spec.map)) {
    if (JSON.stringify(folded(theirs)) === JSON.stringify(folded(apiValue))) return ours;
  }
  return undefined;
}
