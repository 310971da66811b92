import { sleep } from './sleep.js';
import type { TcpToxicDefinition } from './types.js';

/** Delays every chunk by latency ± jitter ms, measured from when the proxy read it (as Toxiproxy). */
export const latency: TcpToxicDefinition = {
  layer: 'tcp',
  type: 'latency',
  summary: 'delay all data by latency ± jitter milliseconds',
  attributes: {
    latency: { kind: 'int', default: 0, min: 0, description: 'delay in milliseconds' },
    jitter: { kind: 'int', default: 0, min: 0, description: 'random ± variation in milliseconds' },
  },
  createStage(env) {
    return {
      async onChunk(data, receivedAt) {
        const { latency: base, jitter } = env.attributes() as { latency: number; jitter: number };
        const delay = jitter > 0 ? base + Math.floor(env.random() * jitter * 2) - jitter : base;
        await sleep(delay - (performance.now() - receivedAt), env.signal);
        env.push(data);
      },
    };
  },
};
