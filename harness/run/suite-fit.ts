import type { ApiProfile } from '../config/profile-types.js';
import type { Scenario } from '../config/scenario-types.js';
import { inapplicableChecks } from '../checks/index.js';
import { unmappedKinds } from '../profile/event-kinds.js';

/** What fitting a shipped suite to a profile left out, one sentence each (printed, and kept in the run record). */
export type SuiteNotes = string[];

/**
 * A shipped suite (`--suite`, the demo, the gate's default) is written once for every API, so what
 * an API cannot support is left out with a note instead of refusing the whole run: a scenario whose
 * every check cannot apply to the profile (the merchant scenario on a one-merchant profile), a check
 * that cannot apply (signatures on an API that signs nothing), and a receiver rule for an event kind
 * the API does not send (it could never fire). Scenario files a user names are still refused.
 */
export function fitSuiteToProfile(profile: ApiProfile, scenarios: readonly Scenario[]): { scenarios: Scenario[]; notes: SuiteNotes } {
  const notes: SuiteNotes = [];
  const kept: Scenario[] = [];
  for (const s of scenarios) {
    const refused = inapplicableChecks(profile, s.checks.map((c) => c.name));
    if (refused.length > 0 && refused.length === s.checks.length) {
      notes.push(`scenario ${s.name} left out: ${refused.map((r) => `${r.check} cannot apply (${r.reason})`).join('; ')}`);
      continue;
    }
    const out = new Set(refused.map((r) => r.check));
    for (const r of refused) notes.push(`scenario ${s.name}: check ${r.check} left out (${r.reason})`);
    const rules = s.webhookReceiver.filter((rule) => {
      const kinds = unmappedKinds(profile.webhooks, rule.eventTypes ?? []);
      if (kinds.length === 0) return true;
      notes.push(`scenario ${s.name}: receiver rule for ${kinds.join(', ')} events left out (profile ${profile.name} maps no event type to ${kinds.length === 1 ? 'that kind' : 'those kinds'})`);
      return false;
    });
    kept.push({ ...s, checks: s.checks.filter((c) => !out.has(c.name)), webhookReceiver: rules });
  }
  return { scenarios: kept, notes };
}
