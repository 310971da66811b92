import { sleep } from './sleep.js';
import type { TcpToxicDefinition } from './types.js';

/** Holds the close (FIN) of the stream for `delay` ms; data passes untouched. */
export const slowClose: TcpToxicDefinition = {
  layer: 'tcp',
  type: 'slow_close',
  summary: 'delay the TCP close by delay milliseconds',
  attributes: {
    delay: { kind: 'int', default: 0, min: 0, description: 'milliseconds to hold the close' },
  },
  createStage(env) {
    return {
      onChunk(data) {
        env.push(data);
      },
      async onEnd() {
        await sleep((env.attributes() as { delay: number }).delay, env.signal);
        env.end();
      },
    };
  },
};
