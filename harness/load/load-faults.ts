import { Toxiproxy, type Proxy, type ICreateToxicBody, type ToxicType } from 'toxiproxy-node-client';
import { InfraError } from '../errors.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { startProxyServer, type ProxyServer } from '../proxy/index.js';
import type { LoadFault } from './scenario-types.js';

/** Faults in place for a load run; `heal()` removes them and is safe to call twice. */
export interface AppliedFaults {
  /** Origin the load should aim at: the proxy's listen address. */
  origin: string;
  heal(): Promise<void>;
}

/**
 * Puts the scenario's faults between the load and the target: one proxy named after the run,
 * toxics added through the Toxiproxy API (toxiproxy-node-client), against a real Toxiproxy when
 * given, otherwise the embedded one. Everything is removed again in `heal()`.
 */
export async function applyLoadFaults(options: {
  faults: readonly LoadFault[];
  target: string;
  runId: string;
  seed: number;
  recorder: HistoryRecorder;
  toxiproxyUrl?: string;
}): Promise<AppliedFaults> {
  let embedded: ProxyServer | undefined;
  const apiUrl = options.toxiproxyUrl ?? (embedded = await startProxyServer({ seed: options.seed })).url;
  const client = new Toxiproxy(apiUrl);
  const upstream = new URL(options.target);
  const name = `payharness-load-${options.runId}`;
  let proxy: Proxy | undefined;
  let healed = false;
  const heal = async (): Promise<void> => {
    if (healed) return;
    healed = true;
    try {
      if (proxy) {
        await proxy.remove();
        for (const [i, fault] of options.faults.entries()) {
          options.recorder.append({ kind: 'fault', phase: 'heal', proxy: name, toxic: `${fault.type}-${i}`, type: fault.type, path: 'api' });
        }
      }
    } finally {
      await embedded?.close();
    }
  };
  try {
    proxy = await client.createProxy({ name, listen: '127.0.0.1:0', upstream: `${upstream.hostname}:${upstream.port || (upstream.protocol === 'https:' ? 443 : 80)}` });
    for (const [i, fault] of options.faults.entries()) {
      const body: ICreateToxicBody<unknown> = {
        name: `${fault.type}-${i}`,
        type: fault.type as ToxicType,
        stream: fault.stream ?? 'downstream',
        toxicity: fault.toxicity ?? 1,
        attributes: fault.attributes ?? {},
      };
      await proxy.addToxic(body);
      options.recorder.append({ kind: 'fault', phase: 'start', proxy: name, toxic: body.name, type: fault.type, attributes: { ...fault.attributes, toxicity: body.toxicity }, path: 'api' });
    }
  } catch (error) {
    await heal().catch(() => undefined);
    throw new InfraError('E_LOAD_FAULTS', `could not set up the scenario's faults through the Toxiproxy API at ${apiUrl}: ${(error as Error).message}`, {
      hint: 'check the fault types and attributes in the scenario (payharness chaos list shows them), or the --toxiproxy URL',
    });
  }
  const listen = proxy.listen.replace(/^\[::\]|^0\.0\.0\.0/, '127.0.0.1');
  return { origin: `${upstream.protocol}//${listen}`, heal };
}
