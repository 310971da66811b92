import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { groupAlive } from '../harness/run/process-group.js';

function accepts(address: string): Promise<boolean> {
  const colon = address.lastIndexOf(':');
  return new Promise((resolve) => {
    const socket = connect({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)), timeout: 2_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/**
 * What a run left behind, read from its own history: provider process groups still alive, dependency
 * links still listening. Empty when everything was cleaned up; a history without such records is an
 * error (the run would prove nothing about cleanup).
 */
export async function insideLeftovers(runDir: string): Promise<{ problems: string[]; processes: number; links: number }> {
  const records = readFileSync(join(runDir, 'history.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const pids = [...new Set(records.filter((r) => r.kind === 'process' && r.event === 'started').map((r) => r.pid as number))];
  const listens = [...new Set(records.filter((r) => r.kind === 'link' && r.event === 'created').map((r) => r.listen as string))];
  const problems: string[] = [];
  for (const pid of pids) if (groupAlive(pid)) problems.push(`provider process group ${pid} is still alive`);
  for (const listen of listens) if (await accepts(listen)) problems.push(`link ${listen} still accepts connections`);
  return { problems, processes: pids.length, links: listens.length };
}
