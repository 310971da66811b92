import { sleep } from './sleep.js';
import type { TcpToxicDefinition } from './types.js';

/** Removing the toxic does not cut the wait short: Toxiproxy's stub sleeps without listening for it. */
const NEVER = new AbortController().signal;

/**
 * On the first data (or the end) of its stream, drops it, waits `timeout` ms and closes the
 * connection (Toxiproxy's reset_peer). The close is a reset (RST, ECONNRESET) when the toxic was
 * there when the connection started — Toxiproxy sets SO_LINGER 0 then — and a plain FIN when it
 * was added to a connection already open.
 */
export const resetPeer: TcpToxicDefinition = {
  layer: 'tcp',
  type: 'reset_peer',
  summary: 'reset the connection (TCP RST) timeout ms after data arrives; FIN on a connection opened before it',
  attributes: {
    timeout: { kind: 'int', default: 0, min: 0, description: 'milliseconds before the reset' },
  },
  lingerZero: true,
  createStage(env) {
    let triggered = false;
    const trigger = async (): Promise<void> => {
      if (triggered) return;
      triggered = true;
      await sleep((env.attributes() as { timeout: number }).timeout, NEVER);
      env.close();
    };
    return { onChunk: trigger, onEnd: trigger };
  },
};
