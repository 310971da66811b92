import { sleep } from './sleep.js';
import type { TcpToxicDefinition } from './types.js';

/** Limits throughput to `rate` KB/s (1 KB = 1000 bytes, as Toxiproxy), sending in 100 ms slices. */
export const bandwidth: TcpToxicDefinition = {
  layer: 'tcp',
  type: 'bandwidth',
  summary: 'limit the connection to rate KB/s',
  attributes: {
    rate: { kind: 'int', default: 0, min: 0, description: 'KB/s (0 = unlimited)' },
  },
  createStage(env) {
    return {
      async onChunk(data) {
        let rest = data;
        let rate = (env.attributes() as { rate: number }).rate;
        while (rate > 0 && rest.length > rate * 100 && !env.signal.aborted) {
          await sleep(100, env.signal);
          env.push(rest.subarray(0, rate * 100));
          rest = rest.subarray(rate * 100);
          rate = (env.attributes() as { rate: number }).rate;
        }
        if (rate > 0) await sleep(rest.length / rate, env.signal);
        env.push(rest);
      },
    };
  },
};
