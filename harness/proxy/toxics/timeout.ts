import type { TcpToxicDefinition } from './types.js';

/**
 * Drops every byte of its stream (Toxiproxy's timeout). With `timeout` > 0 the connection closes
 * that many ms after the toxic took hold of it (connection start, or when the toxic was added); with
 * 0 it stays open. Either way it closes at once when its stream ends (a FIN from the source) and
 * when the toxic is removed or `/reset` is called: the data is lost, never delivered late.
 */
export const timeout: TcpToxicDefinition = {
  layer: 'tcp',
  type: 'timeout',
  summary: 'drop all data; close after timeout ms (0 = when the toxic is removed), or at once on a FIN',
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
      onChunk() {
        // Dropped on the floor, as Toxiproxy does.
      },
      onEnd: () => env.close(),
      onRemove: () => env.close(),
    };
  },
};
