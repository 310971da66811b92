import type { FlowContext } from './flows.js';
import type { FlowPlan } from './plan.js';
import type { RequestParams } from './request.js';
import { DEFAULT_MERCHANT } from '../profile/merchants.js';

/**
 * merchant-key-scope: the default merchant creates a payment with key K; then a second merchant
 * sends the very same request with the very same key. Keys are scoped per merchant, so the second
 * must get a payment of its own, never the first one's stored answer (keys-scoped-per-merchant
 * judges it). The request is identical on purpose: a key space shared across merchants then answers
 * with the other merchant's payment instead of refusing a changed payload.
 */
export async function runMerchantKeyScope(ctx: FlowContext, plan: FlowPlan): Promise<void> {
  const second = ctx.client.merchants.find((m) => m !== DEFAULT_MERCHANT);
  // With one merchant there is nothing to scope: the check says inapplicable before the run.
  if (!second) return;
  const reference = `${ctx.runId}-${plan.id}`;
  const logicalId = `${plan.id}-0`;
  const params: RequestParams = {
    amount: plan.amount, currency: ctx.currency, reference, captureMode: 'automatic', idempotencyKey: `${ctx.runId}-${logicalId}`,
  };
  const first = await ctx.client.perform('create', params, { process: ctx.process, logicalId, amount: plan.amount }, ctx.retry);
  ctx.touched(reference, logicalId, first.resourceId);
  if (ctx.signal?.aborted) return;
  const theirs = await ctx.client.perform(
    'create', { ...params, merchant: second }, { process: ctx.process, logicalId: `${plan.id}-${second}`, amount: plan.amount }, ctx.retry,
  );
  // Final reads list and read the second merchant's payment with its own credentials, as it would.
  ctx.touched(reference, `${plan.id}-${second}`, theirs.resourceId, second);
  if (ctx.signal?.aborted || !theirs.resourceId) return;
  // The second merchant reads its payment back with its own credentials.
  await ctx.client.attempt('get', { id: theirs.resourceId, merchant: second }, { process: ctx.process, logicalId: `${plan.id}-${second}-get`, resourceId: theirs.resourceId }, 1);
}
