import type { ApiProfile } from '../config/profile-types.js';
import type { Scenario } from '../config/scenario-types.js';
import { UsageError } from '../errors.js';
import { unmappedKinds } from '../profile/event-kinds.js';

/** Refuses a scenario whose receiver rules name an event kind the profile does not map: the rule could never fire. */
export function refuseUnmappedKinds(profile: ApiProfile, scenario: Scenario): void {
  const kinds = unmappedKinds(profile.webhooks, scenario.webhookReceiver.flatMap((r) => r.eventTypes ?? []));
  if (!kinds.length) return;
  throw new UsageError('E_EVENT_KIND_UNMAPPED',
    `scenario "${scenario.name}" (${scenario.file}) has receiver rules for event kind${kinds.length === 1 ? '' : 's'} ${kinds.join(', ')}, `
    + `which profile "${profile.name}" does not map to its own event types, so ${kinds.length === 1 ? 'that rule' : 'those rules'} would never fire`, {
      hint: `map ${kinds.length === 1 ? 'it' : 'them'} in the profile (webhooks.eventKinds: {${kinds[0]}: <the API's event type>}), or name the API's own event type in the rule`,
    });
}
