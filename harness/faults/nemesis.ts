import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import type { ApiProfile } from '../config/profile-types.js';
import type { FaultSpec } from '../config/scenario-types.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { InfraError, UsageError } from '../errors.js';
import { findFault } from './index.js';
import { decisionAttributes } from './decision-keys.js';
import { DecisionPoller } from './decision-poller.js';
import { deleteToxic, withRetry } from './toxiproxy-retry.js';

export interface CreatedProxy {
  name: string;
  /** Base URL clients use to go through the proxy. */
  url: string;
  /** `api`, `callbacks`, or a dependency link's name. */
  path: string;
  /** host:port it listens on. */
  listen: string;
  upstream: string;
  /** The upstream's base path (`/api/v2`): a fault's `path` filter names paths under it. */
  basePath?: string;
}

/**
 * Carries out faults of the `process` layer (a crash). The nemesis tracks them like toxics: `apply`
 * arms the fault and resolves once armed; `heal` resolves once the provider is back (or disarmed).
 */
export interface ProcessFaults {
  apply(spec: FaultSpec, scenarioIndex: number): Promise<void>;
  heal(spec: FaultSpec, scenarioIndex: number): Promise<void>;
}

export interface NemesisOptions {
  /** The API's profile: http_* decisions are keyed where it puts the idempotency key and the event id. */
  profile?: ApiProfile;
  /** The run seed, sent with every http_* toxic so the same seed draws the same decisions on any server. */
  seed?: number;
}

/** A fault from the moment `apply` is called until its heal has removed it. */
interface TrackedFault {
  spec: FaultSpec;
  toxicName: string;
  /** The apply itself, as its caller sees it (rejects when it failed). */
  attempt: Promise<void>;
  /** Settles once the apply landed (true, its start recorded) or failed (false); never rejects. */
  applied: Promise<boolean>;
  /** The heal in progress, shared by everyone who asks to heal this fault. */
  healing?: Promise<void>;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The nemesis: creates the run's proxies (named with the run id), applies and heals faults through the
 * Toxiproxy HTTP API, and pulls HTTP toxics' decisions from `GET /events`. Works the same against the
 * embedded proxy and a real Toxiproxy (which has no http_* toxics and no `/events`).
 *
 * A fault is tracked from the call to `apply`, not from the moment its toxic exists: a heal that
 * comes while the apply is still in flight waits for it and then removes the toxic, so a fault can
 * never appear after its heal and leak into the next scenario.
 */
export class Nemesis {
  private readonly proxies = new Map<string, { proxy: Proxy; created: CreatedProxy }>();
  private readonly faults = new Map<string, TrackedFault>();
  private poller?: DecisionPoller;
  /** False on a real Toxiproxy. */
  supportsHttpFaults = false;
  /** Set by a run that manages the provider's process (`--target-command`); crashes need it. */
  processFaults?: ProcessFaults;

  private constructor(
    private readonly client: Toxiproxy,
    readonly url: string,
    private readonly runId: string,
    private readonly recorder: HistoryRecorder,
    private readonly options: NemesisOptions,
  ) {}

  static async connect(url: string, runId: string, recorder: HistoryRecorder, options: NemesisOptions = {}): Promise<Nemesis> {
    const client = new Toxiproxy(url.replace(/\/$/, ''));
    try {
      await withRetry(() => client.getVersion());
    } catch (error) {
      throw new InfraError('E_TOXIPROXY_UNREACHABLE', `cannot reach the Toxiproxy API at ${url}: ${messageOf(error)}`, {
        hint: 'start toxiproxy-server (or leave out --toxiproxy to use the embedded proxy)',
      });
    }
    const nemesis = new Nemesis(client, url.replace(/\/$/, ''), runId, recorder, options);
    const probe = await fetch(`${nemesis.url}/events?since=0`).catch(() => undefined);
    nemesis.supportsHttpFaults = probe?.ok === true;
    if (probe?.ok) {
      // Decisions taken before this run (a shared server) are not ours: start after the newest one.
      const since = ((await probe.json()) as { next?: number }).next ?? 0;
      const ours = (): ReadonlySet<string> => new Set([...nemesis.proxies.values()].map((p) => p.created.name));
      nemesis.poller = new DecisionPoller(nemesis.url, recorder, ours, since);
    }
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

  /**
   * Creates `<runId>-<path>` in front of `upstream` (host:port), listening on `listen` (a dependency
   * link's fixed address) or a free port. `basePath` is the upstream's path prefix, for path filters.
   */
  async createProxy(path: string, upstream: string, options: { listen?: string; basePath?: string } = {}): Promise<CreatedProxy> {
    const { listen = '127.0.0.1:0', basePath = '' } = options;
    const name = `${this.runId}-${path}`;
    let proxy: Proxy;
    try {
      proxy = await withRetry(
        () => this.client.createProxy({ name, listen, upstream, enabled: true }),
        (status) => (status === 409 ? this.client.get(name) : undefined),
      );
    } catch (error) {
      throw new InfraError('E_PROXY_CREATE', `cannot create proxy ${name} on ${this.url}: ${messageOf(error)}`, {
        hint: 'check that the Toxiproxy server can listen on 127.0.0.1 and reach the upstream',
      });
    }
    const port = proxy.listen.split(':').pop();
    const created: CreatedProxy = { name, url: `http://127.0.0.1:${port}`, path, listen: proxy.listen, upstream, ...(basePath ? { basePath } : {}) };
    this.proxies.set(path, { proxy, created });
    return created;
  }

  proxyName(path: string): string | undefined {
    return this.proxies.get(path)?.created.name;
  }

  /** The run's proxies (api, callbacks, dependency links) as created. */
  createdProxies(): CreatedProxy[] {
    return [...this.proxies.values()].map((p) => p.created);
  }

  /** The name a fault of scenario `scenarioIndex` carries on the proxy; `heal` takes it. */
  toxicName(spec: FaultSpec, scenarioIndex: number): string {
    return `${this.runId}-${scenarioIndex}-${spec.name}`;
  }

  /**
   * Applies one fault; resolves once it is in place and its start is recorded. The fault is tracked
   * from this call on (before any await), so a heal or `healAll` issued meanwhile removes it.
   */
  apply(spec: FaultSpec, scenarioIndex: number): Promise<void> {
    const toxicName = this.toxicName(spec, scenarioIndex);
    const existing = this.faults.get(toxicName);
    // Applying a fault that is already applied (or applying) is applying it once.
    if (existing && !existing.healing) return existing.attempt;
    // Re-applying a fault whose heal is in flight: put it back only after the heal is done.
    const before = existing?.healing?.catch(() => undefined);
    const attempt = (async () => {
      await before;
      await this.put(spec, scenarioIndex, toxicName);
    })();
    this.faults.set(toxicName, { spec, toxicName, attempt, applied: attempt.then(() => true, () => false) });
    return attempt;
  }

  private async put(spec: FaultSpec, scenarioIndex: number, toxicName: string): Promise<void> {
    if (findFault(spec.type)?.layer === 'process') {
      if (!this.processFaults) throw new InfraError('E_NO_PROCESS', `${spec.type} needs the provider's process: start it with --target-command`);
      await this.processFaults.apply(spec, scenarioIndex);
      this.recorder.append({ kind: 'fault', phase: 'start', proxy: spec.proxy, toxic: toxicName, type: spec.type, attributes: spec.attributes ?? {}, path: spec.proxy });
      return;
    }
    const entry = this.proxies.get(spec.proxy);
    if (!entry) throw new InfraError('E_PROXY_MISSING', `no ${spec.proxy} proxy to apply ${spec.type} to`);
    let attributes = { ...(spec.attributes ?? {}) };
    if (spec.type === 'down') {
      await this.setEnabled(spec.proxy, false);
    } else {
      // The scenario check keeps http_* faults on the api and callbacks paths (a database speaks no HTTP).
      if (findFault(spec.type)?.layer === 'http') {
        attributes = decisionAttributes({ ...this.options, runId: this.runId, scenarioIndex, faultName: spec.name ?? spec.type, path: spec.proxy as 'api' | 'callbacks', basePath: entry.created.basePath }, attributes);
      }
      const proxy = entry.proxy;
      await withRetry(
        () => proxy.addToxic({ name: toxicName, type: spec.type as never, stream: spec.stream ?? 'downstream', toxicity: spec.toxicity ?? 1, attributes }),
        (status) => (status === 409 ? proxy.getToxic(toxicName) : undefined),
      );
    }
    // Only now does the fault exist: its window starts here, not when it was asked for.
    this.recorder.append({ kind: 'fault', phase: 'start', proxy: entry.created.name, toxic: toxicName, type: spec.type, attributes, path: spec.proxy });
  }

  private async setEnabled(path: string, enabled: boolean): Promise<void> {
    const entry = this.proxies.get(path);
    if (!entry) return;
    const current = entry.proxy;
    entry.proxy = await withRetry(() => current.update({ enabled, listen: current.listen, upstream: current.upstream }));
  }

  /**
   * Heals one fault (idempotent; concurrent heals share one removal). Waits for an apply in flight,
   * then removes the toxic; records the heal when the fault had started. Rejects when the removal
   * failed, and the fault stays tracked so a later heal or `healAll` tries again.
   */
  heal(toxicName: string): Promise<void> {
    const fault = this.faults.get(toxicName);
    if (!fault) return Promise.resolve();
    fault.healing ??= this.remove(fault).catch((error: unknown) => {
      fault.healing = undefined;
      throw error;
    });
    return fault.healing;
  }

  private async remove(fault: TrackedFault): Promise<void> {
    const started = await fault.applied;
    if (findFault(fault.spec.type)?.layer === 'process') {
      await this.processFaults?.heal(fault.spec, Number(fault.toxicName.slice(this.runId.length + 1).split('-')[0]));
      if (this.faults.get(fault.toxicName) === fault) this.faults.delete(fault.toxicName);
      if (started) this.recorder.append({ kind: 'fault', phase: 'heal', proxy: fault.spec.proxy, toxic: fault.toxicName, type: fault.spec.type, path: fault.spec.proxy });
      return;
    }
    const entry = this.proxies.get(fault.spec.proxy);
    // Even a failed apply may have landed on the server (its answer lost): remove by name regardless.
    if (entry && fault.spec.type === 'down') await this.setEnabled(fault.spec.proxy, true);
    else if (entry) await deleteToxic(this.url, entry.created.name, fault.toxicName);
    if (this.faults.get(fault.toxicName) === fault) this.faults.delete(fault.toxicName);
    if (started && entry) {
      this.recorder.append({ kind: 'fault', phase: 'heal', proxy: entry.created.name, toxic: fault.toxicName, type: fault.spec.type, path: fault.spec.proxy });
    }
  }

  /** Faults applied or being applied and not healed yet. */
  activeNames(): string[] {
    return [...this.faults.keys()];
  }

  /** Resolves when no apply or heal is in flight (each landed or failed); never rejects. */
  async settle(): Promise<void> {
    for (;;) {
      const faults = [...this.faults.values()];
      await Promise.all(faults.map((f) => Promise.all([f.applied, f.healing?.catch(() => undefined)])));
      // An apply may have started while we waited; settle that one too.
      if ([...this.faults.values()].every((f) => faults.includes(f))) return;
    }
  }

  /**
   * Heals everything applied or being applied, including applies that start while it runs; never
   * throws (it runs in `finally` and on signals). Returns one line per fault it could not heal.
   */
  async healAll(): Promise<string[]> {
    const problems: string[] = [];
    const tried = new Set<TrackedFault>();
    for (;;) {
      const pending = [...this.faults.values()].filter((f) => !tried.has(f));
      if (pending.length === 0) return problems;
      for (const fault of pending) {
        tried.add(fault);
        try {
          await this.heal(fault.toxicName);
        } catch (error) {
          problems.push(`${fault.toxicName}: ${messageOf(error)}`);
        }
      }
    }
  }

  /** Pulls new HTTP toxic decisions for this run's proxies into the history; one poll at a time. */
  async pollDecisions(): Promise<void> {
    await this.poller?.poll();
  }

  /** Deletes the run's proxies; never throws. */
  async deleteProxies(): Promise<string[]> {
    const problems: string[] = [];
    for (const [path, { proxy, created }] of this.proxies) {
      const removed = await withRetry(() => proxy.remove(), (status) => (status === 404 ? Promise.resolve() : undefined))
        .then(() => true, (error: unknown) => (problems.push(`${proxy.name}: ${messageOf(error)}`), false));
      // A dependency link's end is part of its story in the history (api and callbacks live as long as the run).
      if (removed && path !== 'api' && path !== 'callbacks') {
        this.recorder.append({ kind: 'link', event: 'deleted', name: path, proxy: created.name, listen: created.listen, upstream: created.upstream });
      }
      this.proxies.delete(path);
    }
    return problems;
  }
}
