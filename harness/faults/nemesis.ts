import { Toxiproxy, type Proxy, type Toxic } from 'toxiproxy-node-client';
import type { FaultSpec } from '../config/scenario-types.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { InfraError, UsageError } from '../errors.js';
import { findFault } from './index.js';

const isTransportError = (error: unknown): boolean => error instanceof Error && /fetch failed|ECONNRESET|socket/i.test(error.message);
const statusOf = (error: unknown): number | undefined => {
  const m = error instanceof Error ? /status code (\d+)/.exec(error.message) : null;
  return m ? Number(m[1]) : undefined;
};

/**
 * Calls the Toxiproxy API, retrying a call whose connection failed (a busy machine, a keep-alive
 * socket the server just closed). If an earlier try did land, the retry meets 409/404; `landed`
 * turns that into the result the first try would have had.
 */
async function withRetry<T>(call: () => Promise<T>, landed?: (status: number) => Promise<T> | undefined): Promise<T> {
  let transportFailed = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const status = statusOf(error);
      if (transportFailed && status !== undefined && landed) {
        const recovered = landed(status);
        if (recovered) return await recovered;
      }
      if (!isTransportError(error) || attempt >= 4) throw error;
      transportFailed = true;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

/** A fault the nemesis applied and has not healed yet. */
interface ActiveFault {
  spec: FaultSpec;
  proxy: Proxy;
  toxicName: string;
  toxic?: Toxic<unknown>;
}

export interface CreatedProxy {
  name: string;
  /** Base URL clients use to go through the proxy. */
  url: string;
  path: 'api' | 'callbacks';
}

interface FaultEventJson {
  seq: number;
  time: number;
  proxy: string;
  toxic: string;
  type: string;
  action: string;
  method?: string;
  path?: string;
  idempotency_key?: string;
}

/**
 * The nemesis: creates the run's proxies (named with the run id), applies and heals faults through the
 * Toxiproxy HTTP API, and pulls HTTP toxics' decisions from `GET /events`. Works the same against the
 * embedded proxy and a real Toxiproxy (which has no http_* toxics and no `/events`).
 */
export class Nemesis {
  private readonly proxies = new Map<string, { proxy: Proxy; created: CreatedProxy }>();
  private readonly active = new Map<string, ActiveFault>();
  private eventsSince = 0;
  /** False on a real Toxiproxy. */
  supportsHttpFaults = false;

  private constructor(private readonly client: Toxiproxy, readonly url: string, private readonly runId: string, private readonly recorder: HistoryRecorder) {}

  static async connect(url: string, runId: string, recorder: HistoryRecorder): Promise<Nemesis> {
    const client = new Toxiproxy(url.replace(/\/$/, ''));
    try {
      await withRetry(() => client.getVersion());
    } catch (error) {
      throw new InfraError('E_TOXIPROXY_UNREACHABLE', `cannot reach the Toxiproxy API at ${url}: ${(error as Error).message}`, {
        hint: 'start toxiproxy-server (or leave out --toxiproxy to use the embedded proxy)',
      });
    }
    const nemesis = new Nemesis(client, url.replace(/\/$/, ''), runId, recorder);
    const probe = await fetch(`${nemesis.url}/events?since=0`).catch(() => undefined);
    nemesis.supportsHttpFaults = probe?.ok === true;
    if (probe?.ok) nemesis.eventsSince = ((await probe.json()) as { next?: number }).next ?? 0;
    return nemesis;
  }

  /** Fails before anything starts when a scenario needs http_* faults and the server can't do them. */
  assertSupports(faults: readonly FaultSpec[], scenario: string): void {
    const http = faults.find((f) => findFault(f.type)?.layer === 'http');
    if (http && !this.supportsHttpFaults) {
      throw new UsageError('E_HTTP_FAULTS_UNAVAILABLE', `scenario "${scenario}" uses ${http.type}, an HTTP-level fault that a real Toxiproxy cannot apply`, {
        hint: 'leave out --toxiproxy so the embedded proxy (which implements http_* toxics) is used, or remove the http_* faults',
      });
    }
  }

  /** Creates `<runId>-<path>` listening on a free port in front of `upstream` (host:port). */
  async createProxy(path: 'api' | 'callbacks', upstream: string): Promise<CreatedProxy> {
    const name = `${this.runId}-${path}`;
    let proxy: Proxy;
    try {
      proxy = await withRetry(
        () => this.client.createProxy({ name, listen: '127.0.0.1:0', upstream, enabled: true }),
        (status) => (status === 409 ? this.client.get(name) : undefined),
      );
    } catch (error) {
      throw new InfraError('E_PROXY_CREATE', `cannot create proxy ${name} on ${this.url}: ${(error as Error).message}`, {
        hint: 'check that the Toxiproxy server can listen on 127.0.0.1 and reach the upstream',
      });
    }
    const port = proxy.listen.split(':').pop();
    const created = { name, url: `http://127.0.0.1:${port}`, path };
    this.proxies.set(path, { proxy, created });
    return created;
  }

  proxyName(path: 'api' | 'callbacks'): string | undefined {
    return this.proxies.get(path)?.created.name;
  }

  /** Applies one fault now and records its start. */
  async apply(spec: FaultSpec, scenarioIndex: number): Promise<void> {
    const entry = this.proxies.get(spec.proxy);
    if (!entry) throw new InfraError('E_PROXY_MISSING', `no ${spec.proxy} proxy to apply ${spec.type} to`);
    const toxicName = `${this.runId}-${scenarioIndex}-${spec.name}`;
    const active: ActiveFault = { spec, proxy: entry.proxy, toxicName };
    this.active.set(toxicName, active);
    const attributes = { ...(spec.attributes ?? {}) };
    if (spec.type === 'down') {
      const current = entry.proxy;
      entry.proxy = await withRetry(() => current.update({ enabled: false, listen: current.listen, upstream: current.upstream }));
      active.proxy = entry.proxy;
    } else {
      // Callback faults record the event id (webhook-id) as the decision's key, so checks can tie them to events.
      if (spec.proxy === 'callbacks' && findFault(spec.type)?.layer === 'http' && attributes.key_header === undefined) attributes.key_header = 'webhook-id';
      // Keyed decisions hash (seed, scope, key): leave the run id out of both so the same seed replays them in any run.
      if (findFault(spec.type)?.layer === 'http') Object.assign(attributes, { scope: `${scenarioIndex}-${spec.name}`, key_prefix: `${this.runId}-`, ...attributes });
      const proxy = entry.proxy;
      active.toxic = await withRetry(
        () => proxy.addToxic({ name: toxicName, type: spec.type as never, stream: spec.stream ?? 'downstream', toxicity: spec.toxicity ?? 1, attributes }),
        (status) => (status === 409 ? proxy.getToxic(toxicName) : undefined),
      );
    }
    this.recorder.append({ kind: 'fault', phase: 'start', proxy: entry.created.name, toxic: toxicName, type: spec.type, attributes, path: spec.proxy });
  }

  /** Heals one fault (idempotent); records the heal. */
  async heal(toxicName: string): Promise<void> {
    const active = this.active.get(toxicName);
    if (!active) return;
    this.active.delete(toxicName);
    const entry = this.proxies.get(active.spec.proxy)!;
    if (active.spec.type === 'down') {
      const current = entry.proxy;
      entry.proxy = await withRetry(() => current.update({ enabled: true, listen: current.listen, upstream: current.upstream }));
    } else if (active.toxic) {
      const toxic = active.toxic;
      await withRetry(() => toxic.remove(), (status) => (status === 404 ? Promise.resolve() : undefined));
    }
    this.recorder.append({ kind: 'fault', phase: 'heal', proxy: entry.created.name, toxic: toxicName, type: active.spec.type, path: active.spec.proxy });
  }

  activeNames(): string[] {
    return [...this.active.keys()];
  }

  /** Heals everything still active; never throws (it runs in `finally` and on signals). */
  async healAll(): Promise<string[]> {
    const problems: string[] = [];
    for (const name of this.activeNames()) {
      await this.heal(name).catch((error: Error) => problems.push(`${name}: ${error.message}`));
    }
    return problems;
  }

  /** Pulls new HTTP toxic decisions for this run's proxies into the history. */
  async pollDecisions(): Promise<void> {
    if (!this.supportsHttpFaults) return;
    const res = await fetch(`${this.url}/events?since=${this.eventsSince}`).catch(() => undefined);
    if (!res?.ok) return;
    const page = (await res.json()) as { events: FaultEventJson[]; next: number };
    this.eventsSince = page.next;
    const ours = new Set([...this.proxies.values()].map((p) => p.created.name));
    for (const e of page.events) {
      if (!ours.has(e.proxy)) continue;
      this.recorder.append({
        kind: 'fault-decision', time: e.time - this.recorder.startedAtMs, proxy: e.proxy, toxic: e.toxic, type: e.type, action: e.action,
        method: e.method, path: e.path, idempotencyKey: e.idempotency_key,
      });
    }
  }

  /** Deletes the run's proxies; never throws. */
  async deleteProxies(): Promise<string[]> {
    const problems: string[] = [];
    for (const [path, { proxy }] of this.proxies) {
      await withRetry(() => proxy.remove(), (status) => (status === 404 ? Promise.resolve() : undefined)).catch((error: Error) => problems.push(`${proxy.name}: ${error.message}`));
      this.proxies.delete(path);
    }
    return problems;
  }
}
