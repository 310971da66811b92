import { randomBytes } from 'node:crypto';

/** Resource ids: a type prefix (`pay`, `re`, `evt`, `we`, `dlv`) and 24 hex digits. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

/**
 * True when `id` could be an id of this type. Lenient on the suffix because provider states may
 * plant ids chosen by a consumer test (`pay_123`); anything else is answered 404 without a query.
 */
export function isId(prefix: string, id: string): boolean {
  return new RegExp(`^${prefix}_[A-Za-z0-9_-]{1,64}$`).test(id);
}
