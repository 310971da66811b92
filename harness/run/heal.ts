import { InfraError } from '../errors.js';

/**
 * A fault that would not heal is an infrastructure failure, never a detail: the target may still be
 * behind a toxic, so what follows (final reads, the next scenario) would not measure what it says.
 */
export function assertHealed(problems: readonly string[], what: string): void {
  if (problems.length === 0) return;
  throw new InfraError('E_FAULT_HEAL', `${what}: faults could not be healed: ${problems.join('; ')}`, {
    hint: 'check the Toxiproxy server is still reachable; remove leftover proxies named after the run id by hand if it is',
  });
}
