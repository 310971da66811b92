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

/**
 * True when `path` can only name a path on the target: it starts with exactly one "/". An absolute
 * URL (`http://other/x`) or a protocol-relative one (`//evil.example/v1`, also `/\evil.example`,
 * which URL parsers read the same way) would name another host.
 */
export function isPathOnTarget(path: string): boolean {
  return /^\/(?![/\\])/.test(path);
}

/**
 * The URL of `path` (with its query) on `base`, keeping the base's own path: `http://host/api/v2` +
 * `/v1/payments` → `http://host/api/v2/v1/payments`. Unlike `new URL(path, base)`, it can never
 * move to another host or protocol, so the `--allow-target` guard holds for every request.
 */
export function urlOnTarget(base: string | URL, path: string): URL {
  const target = new URL(base);
  if (!isPathOnTarget(path)) {
    throw new UsageError('E_PATH_OFF_TARGET', `refusing to send a request to ${JSON.stringify(path)}: it is not a path on the target ${target.origin}`, {
      hint: 'a profile path starts with a single "/" and names a path on the target, e.g. /v1/payments; the host comes from --target',
    });
  }
  const url = new URL(target.href);
  const queryAt = path.indexOf('?');
  url.pathname = target.pathname.replace(/\/+$/, '') + (queryAt < 0 ? path : path.slice(0, queryAt));
  url.search = queryAt < 0 ? '' : path.slice(queryAt);
  url.hash = '';
  return url;
}
