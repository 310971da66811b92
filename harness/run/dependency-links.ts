import type { DependencySpec, Scenario } from '../config/scenario-types.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { CreatedProxy, Nemesis } from '../faults/nemesis.js';
import { linkUse } from '../faults/link-use.js';
import { InfraError, UsageError } from '../errors.js';
import { sleep } from '../workload/sleep.js';

/** A dependency link of the run: its name (`database`) and the proxy carrying it. */
export interface DependencyLink {
  name: string;
  proxy: CreatedProxy;
}

/**
 * The dependencies the run's scenarios declare, one link per name; two scenarios that declare one
 * name differently are refused (one provider, one configuration). `overrides` (the demo's free
 * ports, a user's `--dependency`) replace parts of a declaration.
 */
export function declaredDependencies(scenarios: readonly Scenario[], overrides: Readonly<Record<string, Partial<DependencySpec>>> = {}): Map<string, DependencySpec> {
  const out = new Map<string, DependencySpec>();
  const from = new Map<string, string>();
  for (const s of scenarios) {
    for (const [name, dep] of Object.entries(s.dependencies ?? {})) {
      const spec = { ...dep, ...(overrides[name] ?? {}) };
      const known = out.get(name);
      if (known && (known.listen !== spec.listen || known.upstream !== spec.upstream)) {
        throw new UsageError('E_DEPENDENCY_MIXED', `scenarios "${from.get(name)}" and "${s.name}" declare the dependency "${name}" differently (${known.listen} → ${known.upstream} and ${spec.listen} → ${spec.upstream}); one run configures its provider once`, {
          hint: 'declare the link the same way in every scenario of the run, or run them separately',
        });
      }
      out.set(name, spec);
      from.set(name, s.name);
    }
  }
  return out;
}

/** The sentence that tells the user what to configure: shown when the run starts and when the check fails. */
export function configureSentence(link: DependencyLink): string {
  return `configure the provider's ${link.name} at ${link.proxy.listen} (payharness forwards it to ${link.proxy.upstream})`;
}

/** Creates every link with its fixed listen address before the provider starts, so it can connect through them. */
export async function createLinks(nemesis: Nemesis, recorder: HistoryRecorder, dependencies: ReadonlyMap<string, DependencySpec>): Promise<DependencyLink[]> {
  const links: DependencyLink[] = [];
  for (const [name, dep] of dependencies) {
    const proxy = await nemesis.createProxy(name, dep.upstream, { listen: dep.listen }).catch((error: unknown) => {
      throw new InfraError('E_LINK_CREATE', `cannot create the ${name} link listening on ${dep.listen}: ${error instanceof Error ? error.message : String(error)}`, {
        hint: `free ${dep.listen} (another run or a real ${name} may hold it), or declare another listen address under dependencies.${name}.listen`,
      });
    });
    links.push({ name, proxy });
    recorder.append({ kind: 'link', event: 'created', name, proxy: proxy.name, listen: proxy.listen, upstream: dep.upstream });
  }
  return links;
}

export interface LinkCheckOptions {
  /** How long the provider has to show up on each link, ms. */
  timeoutMs: number;
  signal: AbortSignal;
  /** Where to say what could not be checked (the progress stream). */
  warn?: (line: string) => void;
}

/**
 * Before any fault touches a link, proves the provider really talks through it: traffic seen on the
 * link (Toxiproxy's byte counters, or sockets accepted on its listen port). A link nobody uses would
 * make every dependency fault a no-op and the verdict a false pass: exit 4 with what to configure.
 * Where use cannot be measured (a remote Toxiproxy without -proxy-metrics) the history says so.
 */
export async function verifyLinksUsed(nemesis: Nemesis, recorder: HistoryRecorder, links: readonly DependencyLink[], options: LinkCheckOptions): Promise<void> {
  for (const link of links) {
    const deadline = Date.now() + options.timeoutMs;
    const base = { name: link.name, proxy: link.proxy.name, listen: link.proxy.listen, upstream: link.proxy.upstream };
    for (;;) {
      const use = await linkUse(nemesis.url, link.proxy.name, link.proxy.listen);
      if (!use) {
        recorder.append({ kind: 'link', event: 'unverified', ...base, evidence: 'no byte counters (toxiproxy-server -proxy-metrics) and the link is not on this machine' });
        options.warn?.(`chaos: cannot tell whether the provider uses the ${link.name} link; ${configureSentence(link)}\n`);
        break;
      }
      if (use.seen > 0) {
        recorder.append({ kind: 'link', event: 'connected', ...base, seen: use.seen, evidence: use.evidence });
        break;
      }
      if (Date.now() >= deadline || options.signal.aborted) {
        throw new InfraError('E_LINK_UNUSED', `the provider does not connect through the ${link.name} link: ${configureSentence(link)}`, {
          hint: `no traffic reached ${link.proxy.listen} within ${options.timeoutMs} ms of the provider answering; faults on proxy: ${link.name} would test nothing`,
        });
      }
      await sleep(100, options.signal).catch(() => undefined);
    }
  }
}
