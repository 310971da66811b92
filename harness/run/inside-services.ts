import { join } from 'node:path';
import type { Scenario } from '../config/scenario-types.js';
import type { Nemesis } from '../faults/nemesis.js';
import { findFault } from '../faults/index.js';
import { UsageError } from '../errors.js';
import { configureSentence, createLinks, declaredDependencies, verifyLinksUsed } from './dependency-links.js';
import { CrashNemesis } from './crash-nemesis.js';
import { maskCommand, ProviderProcess } from './provider-process.js';
import type { RunSession } from './run-session.js';
import type { Service } from './services.js';
import type { ChaosOptions } from './run-chaos.js';

/** What a run needs to reach inside the provider: its options plus the loaded scenarios. */
export type InsideOptions = Pick<ChaosOptions, 'target' | 'targetCommand' | 'dependencies' | 'linkCheckMs' | 'readyTimeoutMs' | 'progress'> & {
  scenarios: readonly Scenario[];
};

export interface InsideServices {
  /** The provider started by --target-command (the run then does not start or probe a target itself). */
  target?: Service;
  /** Proves the provider uses every link (exit 4 with what to configure when it does not). */
  verifyLinks(): Promise<void>;
  /** What the `run` record keeps of it: links and the (masked) command. */
  meta: Record<string, unknown>;
}

/** Refuses, before anything starts, a run whose faults need a provider process it was not given. */
export function assertInsideUsable(options: InsideOptions): void {
  const crash = options.scenarios.flatMap((s) => s.faults.map((f) => ({ s, f }))).find(({ f }) => findFault(f.type)?.layer === 'process');
  if (crash && !options.targetCommand) {
    throw new UsageError('E_CRASH_NEEDS_COMMAND', `scenario "${crash.s.name}" crashes the provider, which payharness can only do to a process it started`, {
      hint: 'pass --target-command "CMD" (how to start the provider) with --target URL (where it answers)',
    });
  }
  if (options.targetCommand && !options.target) {
    throw new UsageError('E_TARGET_COMMAND_URL', '--target-command needs --target: the URL where the started provider answers', { hint: 'e.g. --target-command "node server.js" --target http://127.0.0.1:8080' });
  }
}

/**
 * The inside of the provider: its dependency links (created with their fixed listen addresses before
 * it starts) and its process when `--target-command` is given (started, crashed by `crash` faults,
 * stopped before the run ends, its output kept in the run directory as provider.log).
 */
export async function startDependencies(session: RunSession, nemesis: Nemesis, options: InsideOptions): Promise<InsideServices> {
  assertInsideUsable(options);
  const dependencies = declaredDependencies(options.scenarios, options.dependencies);
  const links = await createLinks(nemesis, session.recorder, dependencies);
  for (const link of links) options.progress?.write(`chaos: ${configureSentence(link)}\n`);
  let target: Service | undefined;
  if (options.targetCommand && options.target) {
    const provider = new ProviderProcess({
      command: options.targetCommand, url: options.target, logFile: join(session.runDir, 'provider.log'), recorder: session.recorder,
      onUnexpectedExit: (message) => options.progress?.write(`chaos: ${message}\n`),
      ...(options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    });
    session.onBeforeEnd(() => provider.stop());
    await provider.start(session.signal);
    nemesis.processFaults = new CrashNemesis(provider, session.recorder, session.seed, session.signal);
    target = { url: options.target, close: async () => undefined };
  }
  return {
    target,
    verifyLinks: () => verifyLinksUsed(nemesis, session.recorder, links, {
      timeoutMs: options.linkCheckMs ?? 10_000, signal: session.signal, warn: (line) => options.progress?.write(line),
    }),
    meta: {
      ...(links.length ? { dependencies: Object.fromEntries(links.map((l) => [l.name, { listen: l.proxy.listen, upstream: l.proxy.upstream, proxy: l.proxy.name }])) } : {}),
      ...(options.targetCommand ? { targetCommand: maskCommand(options.targetCommand) } : {}),
    },
  };
}
