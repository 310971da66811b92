import { startSandbox } from '../../sandbox/index.js';
import { startProxyServer } from '../proxy/index.js';

/** What a run talks to: the target API and a Toxiproxy API, started here when not given. */
export interface Services {
  targetUrl: string;
  toxiproxyUrl: string;
  /** Stops what was started here (never a user's target or Toxiproxy). */
  close(): Promise<void>;
}

export interface ServiceOptions {
  target?: string;
  toxiproxyUrl?: string;
  bugs?: readonly string[];
  timeScale: number;
  seed: number;
}

/** Starts the in-process sandbox and embedded proxy when the user did not point at real ones. */
export async function startServices(options: ServiceOptions): Promise<Services> {
  const closers: (() => Promise<void>)[] = [];
  try {
    let targetUrl = options.target;
    if (!targetUrl) {
      const sandbox = await startSandbox({ bugs: [...(options.bugs ?? [])], timeScale: options.timeScale, quiet: true });
      closers.push(() => sandbox.close());
      targetUrl = sandbox.url;
    }
    let toxiproxyUrl = options.toxiproxyUrl;
    if (!toxiproxyUrl) {
      const proxy = await startProxyServer({ seed: options.seed });
      closers.push(() => proxy.close());
      toxiproxyUrl = proxy.url;
    }
    return {
      targetUrl,
      toxiproxyUrl,
      async close() {
        for (const close of closers.reverse()) await close().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}
