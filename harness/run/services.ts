import { startProxyServer } from '../proxy/index.js';
import { assertTargetReachable } from '../reachable.js';
import { withBasePath } from './upstream.js';

/** Something a run talks to, started here when the user did not point at a real one. */
export interface Service {
  url: string;
  /** Stops it if it was started here (never a user's target or Toxiproxy). */
  close(): Promise<void>;
  /** The built-in sandbox only: sets the share of writes whose commit fails (a scenario's `sandbox.failRate`). */
  setFailRate?(rate: number): void;
}

const external = (url: string): Service => ({ url, close: async () => undefined });

/** The Toxiproxy API: the user's (`--toxiproxy`) or the embedded one, seeded with the run's seed. */
export async function startToxiproxy(options: { toxiproxyUrl?: string; seed: number }): Promise<Service> {
  if (options.toxiproxyUrl) return external(options.toxiproxyUrl);
  const proxy = await startProxyServer({ seed: options.seed });
  return { url: proxy.url, close: () => proxy.close() };
}

export interface TargetOptions {
  /** The user's API (`--target`, `--provider-base-url`); absent → the in-process sandbox. */
  target?: string;
  /** Planted sandbox bugs (only when the sandbox starts here). */
  bugs?: readonly string[];
  /** Sandbox webhook time scale. */
  timeScale?: number;
  /** Serve the sandbox's Pact provider-state endpoint. */
  providerStates?: boolean;
  /** The run's seed: the sandbox's retry jitter replays with it. */
  seed?: number;
  /** The profile's `basePath`, appended to the target's own path (the service's `url` carries both). */
  basePath?: string;
}

/**
 * The API under test: the user's (checked reachable, exit 4 if not) or the in-process sandbox. Its
 * `url` keeps the target's path and the profile's base path: every request resolves under it.
 */
export async function startTarget(options: TargetOptions): Promise<Service> {
  if (options.target) {
    const url = withBasePath(options.target, options.basePath);
    await assertTargetReachable(url);
    return external(url);
  }
  // Loaded only when needed: the sandbox's modules cost ~50 MB of a run against a real target (soak runs count every MB).
  const { startSandbox } = await import('../../sandbox/index.js');
  const sandbox = await startSandbox({
    bugs: [...(options.bugs ?? [])], timeScale: options.timeScale ?? 1, quiet: true,
    ...(options.seed !== undefined ? { seed: options.seed } : {}), ...(options.providerStates ? { providerStates: true } : {}),
  });
  return { url: withBasePath(sandbox.url, options.basePath), close: () => sandbox.close(), setFailRate: (rate) => sandbox.setFailRate(rate) };
}
