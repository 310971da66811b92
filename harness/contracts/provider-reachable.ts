import { request } from 'undici';
import { InfraError } from '../errors.js';

/** Fails fast, with exit 4, when nothing answers at the provider URL (any HTTP answer will do). */
export async function assertReachable(url: string, what = 'provider'): Promise<void> {
  try {
    const answer = await request(url, { method: 'GET', signal: AbortSignal.timeout(5_000) });
    await answer.body.dump();
  } catch (error) {
    throw new InfraError('E_PROVIDER_UNREACHABLE', `the ${what} at ${url} is unreachable (${(error as Error).message})`, {
      hint: 'start it first (e.g. `payharness sandbox --provider-states`) or fix --provider-base-url',
    });
  }
}
