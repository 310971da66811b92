import type { TcpToxicDefinition } from './types.js';

/** Lets `bytes` bytes through on this stream of the connection, then closes the connection. */
export const limitData: TcpToxicDefinition = {
  layer: 'tcp',
  type: 'limit_data',
  summary: 'close the connection after bytes bytes',
  attributes: {
    bytes: { kind: 'int', default: 0, min: 0, description: 'bytes to transmit before closing' },
  },
  createStage(env) {
    let transmitted = 0;
    let closed = false;
    return {
      onChunk(data) {
        if (closed) return;
        const limit = (env.attributes() as { bytes: number }).bytes;
        const allowed = data.subarray(0, Math.max(0, limit - transmitted));
        if (allowed.length > 0) {
          env.push(allowed);
          transmitted += allowed.length;
        }
        if (limit - transmitted <= 0) {
          closed = true;
          env.close();
        }
      },
    };
  },
};
