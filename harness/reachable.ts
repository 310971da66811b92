import { request } from 'undici';
import { InfraError } from './errors.js';

export interface ReachableOptions {
  /** What the URL is, for the message: 'provider', 'target'. */
  what?: string;
  /** Stable error code. */
  code?: string;
  hint?: string;
}

/**
 * Fails fast, with exit 4, when nothing answers at a URL (any HTTP answer will do), so a wrong
 * `--target` or a stopped provider is named as such instead of surfacing later as resets or as a
 * run where every request failed.
 */
export async function assertReachable(url: string, options: ReachableOptions = {}): Promise<void> {
  const what = options.what ?? 'provider';
  try {
    const answer = await request(url, { method: 'GET', signal: AbortSignal.timeout(5_000) });
    await answer.body.dump();
  } catch (error) {
    throw new InfraError(options.code ?? 'E_PROVIDER_UNREACHABLE', `the ${what} at ${url} is unreachable (${(error as Error).message})`, {
      hint: options.hint ?? 'start it first (e.g. `payharness sandbox --provider-states`) or fix --provider-base-url',
    });
  }
}

/** The same for a `--target` of chaos and load runs. */
export const assertTargetReachable = (url: string): Promise<void> =>
  assertReachable(url, { what: 'target', code: 'E_TARGET_UNREACHABLE', hint: 'start the API first or fix --target (without --target the sandbox starts in-process)' });
