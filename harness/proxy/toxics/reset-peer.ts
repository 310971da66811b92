import { sleep } from './sleep.js';
import type { TcpToxicDefinition } from './types.js';

/** On the first data of its stream, waits `timeout` ms and resets the connection (RST, data dropped). */
export const resetPeer: TcpToxicDefinition = {
  layer: 'tcp',
  type: 'reset_peer',
  summary: 'reset the connection (TCP RST) timeout ms after data arrives',
  attributes: {
    timeout: { kind: 'int', default: 0, min: 0, description: 'milliseconds before the reset' },
  },
  createStage(env) {
    return {
      async onChunk() {
        await sleep((env.attributes() as { timeout: number }).timeout, env.signal);
        if (!env.signal.aborted) env.reset();
      },
    };
  },
};
