import type { FastifyInstance } from 'fastify';
import type { Database } from './db/database.js';
import { ProblemError } from './problem.js';

/** Placeholder until provider states land. */
export function registerProviderStates(app: FastifyInstance, db: Database): void {
  void db;
  app.post('/_pact/provider-states', async () => {
    throw new ProblemError(400, 'unknown_provider_state', 'provider states are not implemented yet');
  });
}
