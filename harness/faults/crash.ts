import type { FaultDefinition } from './types.js';

/**
 * Jepsen's kill nemesis: SIGKILL the provider's process (started by `--target-command`) and start it
 * again with the same command. Not a toxic: the run's process manager carries it out.
 */
export const crash: FaultDefinition = {
  type: 'crash',
  layer: 'process',
  summary: 'kill the provider (SIGKILL) at a planned moment and restart it with --target-command; requests in flight are info',
  attributes: {
    window: { kind: 'window', description: 'crash at a seeded random point between from_ms and to_ms after the workload starts (default: at startMs)' },
    after_op: { kind: 'string', oneOf: ['create', 'capture', 'refund', 'cancel'], description: 'crash right after a request of this operation was sent to the provider' },
    nth: { kind: 'int', min: 1, description: 'which request of after_op (1 = the first sent after the fault starts); default 1' },
    when: { kind: 'string', oneOf: ['sent', 'answered'], description: 'count after_op requests when sent (default), or when the provider answered them 2xx (its change committed)' },
    delay_ms: { kind: 'number', min: 0, description: 'how long after that request was sent to kill, ms (default 5: it has reached the provider on a local link)' },
    restart_after_ms: { kind: 'number', min: 0, description: 'how long the provider stays down before it is started again, ms (default 0)' },
  },
};
