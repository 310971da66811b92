import { UsageError } from './errors.js';

const LOOPBACK_NAMES = new Set(['localhost', 'ip6-localhost', 'ip6-loopback']);

/** True for 127.0.0.0/8, ::1 and the loopback names: the only hosts faults and load may hit by default. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (LOOPBACK_NAMES.has(bare) || bare.endsWith('.localhost')) return true;
  if (bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  if (/^::ffff:127\.\d+\.\d+\.\d+$/.test(bare)) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/**
 * Payment APIs move real money: refuse to aim faults or load at a non-loopback target unless the
 * user named its host with `--allow-target`.
 */
export function assertTargetAllowed(url: string, allowedHosts: readonly string[], flag = '--allow-target'): void {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new UsageError('E_TARGET_URL', `not a valid URL: ${url}`, { hint: 'give a full URL such as http://127.0.0.1:4010' });
  }
  if (isLoopbackHost(host)) return;
  const allowed = allowedHosts.map((h) => h.toLowerCase());
  if (allowed.includes(host.toLowerCase().replace(/^\[|\]$/g, ''))) return;
  throw new UsageError('E_TARGET_NOT_ALLOWED', `refusing to aim faults or load at non-local host ${host}`, {
    hint: `payment APIs move real money; if ${host} is a test environment you own, pass ${flag} ${host}`,
  });
}
