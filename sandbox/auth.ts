import { createHash } from 'node:crypto';
import { ProblemError } from './problem.js';

/**
 * The merchant an API key belongs to. Any well-formed `sk_test_…` key is a merchant of its own;
 * only a hash of the key is kept, so the key itself is never stored or logged.
 */
export function merchantFromAuthorization(header: string | undefined): string {
  const match = /^Bearer (sk_test_[A-Za-z0-9_]{1,200})$/.exec(header ?? '');
  if (!match) {
    throw new ProblemError(401, 'unauthorized', 'send your API key as `Authorization: Bearer sk_test_…`');
  }
  return `mer_${createHash('sha256').update(match[1] as string).digest('hex').slice(0, 24)}`;
}
