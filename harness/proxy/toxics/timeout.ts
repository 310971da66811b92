import { untilAborted } from './sleep.js';
import type { TcpToxicDefinition } from './types.js';

/**
 * Stops all data and closes the connection after `timeout` ms; with 0 it holds the connection open
 * and the data back until the toxic is removed, then lets the held data through (as Toxiproxy).
 */
export const timeout: TcpToxicDefinition = {
  layer: 'tcp',
  type: 'timeout',
  summary: 'stop all data; close after timeout ms (0 = hold until the toxic is removed)',
  attributes: {
    timeout: { kind: 'int', default: 0, min: 0, description: 'milliseconds before closing (0 = never)' },
  },
  createStage(env) {
    const ms = (env.attributes() as { timeout: number }).timeout;
    if (ms > 0) {
      const timer = setTimeout(() => env.close(), ms);
      env.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    }
    return {
      async onChunk(data) {
        await untilAborted(env.signal);
        env.push(data);
      },
      async onEnd() {
        await untilAborted(env.signal);
        env.end();
      },
    };
  },
};
