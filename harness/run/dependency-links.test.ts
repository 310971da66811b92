import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../config/scenario.js';
import { InfraError, UsageError } from '../errors.js';
import { establishedOnPort } from '../faults/link-use.js';
import { runChaos } from './run-chaos.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const scenario = (listen: string, upstream: string, faults = '') => parseScenario('inside.yaml', `name: inside
dependencies:
  database: {upstream: ${upstream}, listen: ${listen}}
workload: {flows: 1}
${faults}checks: [exactly-once]
`);

describe('dependency links', () => {
  it.skipIf(process.platform !== 'linux')('counts the connections accepted on a port from /proc (linux only)', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    expect(await establishedOnPort(port)).toBe(0);
    const sockets = await Promise.all([1, 2].map(() => new Promise<ReturnType<typeof connect>>((resolve) => {
      const s = connect(port, '127.0.0.1', () => resolve(s));
    })));
    expect(await establishedOnPort(port)).toBe(2);
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => server.close(resolve));
  });

  it('exits 4 with the address to configure when the provider does not connect through the link, and deletes it', async () => {
    // The in-process sandbox keeps its data in PGlite: it never connects to the link.
    const upstream = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const listen = `127.0.0.1:${await freePort()}`;
    const upstreamAddress = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    try {
      const error = await runChaos({ scenarios: [scenario(listen, upstreamAddress)], linkCheckMs: 500, seed: 1, outDir: mkdtempSync(join(tmpdir(), 'ph-link-')) }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InfraError);
      expect((error as InfraError).exitCode).toBe(4);
      expect((error as InfraError).message).toBe(`the provider does not connect through the database link: configure the provider's database at ${listen} (payharness forwards it to ${upstreamAddress})`);
      // The link is gone with the run.
      const refused = await new Promise<boolean>((resolve) => {
        const s = connect(Number(listen.split(':')[1]), '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(false)));
        s.once('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    } finally {
      await new Promise((resolve) => upstream.close(resolve));
    }
  }, 120_000);

  it('refuses a crash without --target-command, and --target-command without --target, before anything starts', async () => {
    const crash = scenario('127.0.0.1:1', '127.0.0.1:2', 'faults:\n  - {type: crash}\n');
    await expect(runChaos({ scenarios: [crash] })).rejects.toThrow(UsageError);
    await expect(runChaos({ scenarios: [crash] })).rejects.toThrow(/crashes the provider/);
    await expect(runChaos({ scenarios: [crash], targetCommand: 'true' })).rejects.toThrow(/--target-command needs --target/);
  });
});
