/** k6's four metric types and what their values mean (`contains`). */
export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export type MetricContains = 'default' | 'time' | 'data';

export interface MetricInfo {
  type: MetricType;
  contains: MetricContains;
}

/**
 * The built-in metrics either engine reports, with k6's types. Thresholds may name any of them
 * (plus `{tag:value}` submetrics); a name outside this list is a scenario mistake.
 */
export const BUILTIN_METRICS: Readonly<Record<string, MetricInfo>> = {
  http_reqs: { type: 'counter', contains: 'default' },
  http_req_duration: { type: 'trend', contains: 'time' },
  http_req_blocked: { type: 'trend', contains: 'time' },
  http_req_connecting: { type: 'trend', contains: 'time' },
  http_req_tls_handshaking: { type: 'trend', contains: 'time' },
  http_req_sending: { type: 'trend', contains: 'time' },
  http_req_waiting: { type: 'trend', contains: 'time' },
  http_req_receiving: { type: 'trend', contains: 'time' },
  http_req_failed: { type: 'rate', contains: 'default' },
  checks: { type: 'rate', contains: 'default' },
  data_sent: { type: 'counter', contains: 'data' },
  data_received: { type: 'counter', contains: 'data' },
  iteration_duration: { type: 'trend', contains: 'time' },
  iterations: { type: 'counter', contains: 'default' },
  dropped_iterations: { type: 'counter', contains: 'default' },
  vus: { type: 'gauge', contains: 'default' },
  vus_max: { type: 'gauge', contains: 'default' },
};

/** `http_req_duration{scenario:create,status:201}` → name and tag filter (k6's submetric syntax). */
export function parseMetricKey(key: string): { name: string; tags: Record<string, string> } | string {
  const match = /^([A-Za-z_][\w.]*)(?:\{(.*)\})?$/.exec(key.trim());
  if (!match) return `"${key}" is not a metric name (hint: e.g. http_req_duration or http_req_duration{scenario:create_payments})`;
  const tags: Record<string, string> = {};
  if (match[2] !== undefined) {
    for (const part of match[2].split(',')) {
      const colon = part.indexOf(':');
      if (colon <= 0) return `"${key}": tag filter "${part.trim()}" must be key:value`;
      tags[part.slice(0, colon).trim()] = part.slice(colon + 1).trim().replace(/^["']|["']$/g, '');
    }
  }
  return { name: match[1]!, tags };
}
