import type { ApiProfile } from '../config/profile-types.js';
import type { Check } from './types.js';

/** A check's one-line description, in the profile's own words when the profile is known and the check can say it so. */
export function checkDescription(check: Check, profile: ApiProfile | undefined): string {
  if (!profile || !check.describe) return check.description;
  try {
    return check.describe(profile);
  } catch {
    // A profile too broken to describe (an old run's) still gets the general sentence.
    return check.description;
  }
}
