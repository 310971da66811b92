import type { PaymentOperation } from '../../history/types.js';
import type { RequestParams } from '../../workload/request.js';

/** One API call that brings a payment into a state. */
export interface RecipeStep {
  op: Extract<PaymentOperation, 'create' | 'capture' | 'refund' | 'cancel'>;
  captureMode?: 'manual' | 'automatic';
  /** Share of the payment's amount this step moves (refunds). */
  amountShare?: number;
  /** Use the interaction's own idempotency key (the state says the key was used). */
  usesInteractionKey?: boolean;
}

/**
 * How to reach the sandbox's documented provider states through the public API instead of the
 * state endpoint. Contract chaos prefers this: money the precondition moved (an earlier refund)
 * then appears in the history, so the money checks can account for it. Unknown states fall back
 * to the provider's state endpoint.
 */
export const STATE_RECIPES: Readonly<Record<string, readonly RecipeStep[]>> = {
  'no payments exist': [],
  'a payment requiring capture exists': [{ op: 'create', captureMode: 'manual' }],
  'a captured payment exists': [{ op: 'create', captureMode: 'automatic' }],
  'a partially refunded payment exists': [{ op: 'create', captureMode: 'automatic' }, { op: 'refund', amountShare: 0.5 }],
  'a canceled payment exists': [{ op: 'create', captureMode: 'manual' }, { op: 'cancel' }],
  'an idempotency key was used': [{ op: 'create', usesInteractionKey: true }],
};

/** Request values for a recipe step from the state's params (amount, currency, reference, capture). */
export function recipeParams(step: RecipeStep, stateParams: Record<string, unknown>, defaults: RequestParams): RequestParams {
  const amount = typeof stateParams.amount === 'number' ? stateParams.amount : (defaults.amount ?? 5000);
  const captureMode = step.captureMode ?? (stateParams.capture === 'automatic' || stateParams.capture === 'manual' ? stateParams.capture : 'manual');
  return {
    amount: step.amountShare === undefined ? amount : Math.max(1, Math.floor(amount * step.amountShare)),
    currency: typeof stateParams.currency === 'string' ? stateParams.currency : defaults.currency,
    reference: defaults.reference,
    captureMode,
  };
}
