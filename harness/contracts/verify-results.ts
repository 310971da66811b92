/** What happened to one interaction in a verification. */
export interface InteractionOutcome {
  consumer?: string;
  description: string;
  /** Provider states the verifier named for it. */
  states: string[];
  result: 'passed' | 'failed' | 'pending';
  reasons: string[];
}

interface VerifierJson {
  result?: boolean;
  errors?: Array<{ interaction?: string; mismatch?: { message?: string; type?: string; mismatches?: Array<{ mismatch?: string; path?: string; type?: string }> } }>;
  pendingErrors?: VerifierJson['errors'];
  interactionResults?: Array<{ description?: string; result?: string }>;
}

// "Verifying a pact between C and P Given S1 And S2 - description"
const HEADER = /^Verifying a pact between (.+?) and (.+?)(?: Given (.+?))? - (.+)$/s;

function reasonsOf(error: NonNullable<VerifierJson['errors']>[number]): string[] {
  const mismatch = error.mismatch;
  if (!mismatch) return [];
  if (mismatch.mismatches?.length) return mismatch.mismatches.map((m) => [m.path, m.mismatch].filter(Boolean).join(': ') || m.type || 'mismatch');
  return mismatch.message ? [mismatch.message] : [];
}

/** Reads the JSON the Pact verifier (pact_ffi) returns; undefined when it is not that JSON. */
export function parseVerifierJson(raw: string): { passed: boolean; interactions: InteractionOutcome[] } | undefined {
  let json: VerifierJson;
  try {
    json = JSON.parse(raw) as VerifierJson;
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || !('result' in json || 'interactionResults' in json || 'errors' in json)) return undefined;
  const byKey = new Map<string, InteractionOutcome>();
  for (const [list, result] of [[json.errors ?? [], 'failed'], [json.pendingErrors ?? [], 'pending']] as const) {
    for (const error of list) {
      const match = HEADER.exec(error.interaction ?? '');
      const description = match?.[4] ?? error.interaction ?? '(unnamed interaction)';
      const key = `${match?.[1] ?? ''}\u0000${description}`;
      const outcome = byKey.get(key) ?? { consumer: match?.[1], description, states: match?.[3]?.split(' And ') ?? [], result, reasons: [] };
      outcome.reasons.push(...reasonsOf(error));
      byKey.set(key, outcome);
    }
  }
  const interactions = [...byKey.values()];
  for (const r of json.interactionResults ?? []) {
    if (r.description && !interactions.some((i) => i.description === r.description)) {
      interactions.push({ description: r.description, states: [], result: /^ok$/i.test(r.result ?? '') ? 'passed' : /^pending$/i.test(r.result ?? '') ? 'pending' : 'failed', reasons: [] });
    }
  }
  const failed = interactions.some((i) => i.result === 'failed');
  return { passed: json.result ?? !failed, interactions };
}
