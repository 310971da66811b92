import type { Outcome } from '../history/types.js';

/** How a request ended, before the retry policy looks at it. */
export type FailureClass = 'timeout' | 'reset' | 'refused' | 'other';

/** Maps a transport error to a class: the retry policy and the outcome depend on it. */
export function classifyError(error: unknown): { failure: FailureClass; message: string } {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string; name?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  const name = e.name ?? '';
  const message = `${code || name}${e.message ? `: ${e.message}` : ''}`;
  if (name === 'TimeoutError' || name === 'AbortError' || /TIMEOUT/.test(code)) return { failure: 'timeout', message };
  if (code === 'ECONNREFUSED') return { failure: 'refused', message };
  if (/ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED|ECONNABORTED/.test(code) || /other side closed|socket hang up/i.test(e.message ?? '')) {
    return { failure: 'reset', message };
  }
  return { failure: 'other', message };
}

/**
 * The outcome of one attempt. A write that may have reached the provider and whose answer we did not
 * get (timeout, reset, 5xx) is `info`: it may have moved money. A refused connection never reached it.
 */
export function outcomeOf(method: string, status: number | undefined, success: boolean, failure?: FailureClass): Outcome {
  if (status !== undefined) {
    if (success) return 'ok';
    return status >= 500 && method !== 'GET' ? 'info' : 'fail';
  }
  if (method === 'GET' || failure === 'refused') return 'fail';
  return 'info';
}
