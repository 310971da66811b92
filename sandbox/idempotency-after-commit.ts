import { setTimeout as sleep } from 'node:timers/promises';
import type { Operation } from './payments/operations.js';
import { answerExisting, execute, findKey, requestHash, storeResponse, validateKey, type IdempotencyOptions, type IdempotentRequest, type StoredResponse } from './idempotency.js';

/**
 * The time the bugged path spends between the payment's commit and saving its key (a call to another
 * service, a log write): real, if short, so a crash or a lost connection can land in it.
 */
const AFTER_COMMIT_GAP_MS = 25;

/**
 * The planted bug `idempotency-after-commit`: the payment commits in one transaction and its key is
 * remembered afterwards in another. Nothing else is wrong, so only a fault between the two exposes
 * it: a database connection lost after the commit (the request answers 500) or a crash of the
 * process; the client's retry finds no key and executes the payment again.
 */
export async function runWithKeyAfterCommit(options: IdempotencyOptions, request: IdempotentRequest, operation: Operation): Promise<StoredResponse> {
  const { db } = options;
  const key = validateKey(request.key);
  const hash = requestHash(request.method, request.path, request.body);
  const now = Date.now();
  const at = { merchant: request.merchant, key };
  const existing = await findKey(db, at, now);
  if (existing) return answerExisting(options, request, existing, hash);
  let resourceId: string | undefined;
  const response = await execute(db, operation, options.processingDelayMs ?? 0, async (_tx, stored) => {
    resourceId = stored.resourceId;
  });
  await sleep(AFTER_COMMIT_GAP_MS);
  await db.transaction((tx) => storeResponse(tx, at, hash, now + options.retentionMs, { ...response, ...(resourceId ? { resourceId } : {}) }, true));
  return response;
}
