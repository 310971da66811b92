import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../test/cli-helpers.js';
import { apiClient, dropTestSchemas, registerEndpoint, startReceiver, STORAGES } from './test-support/index.js';

afterAll(dropTestSchemas);

/** Starts `payharness sandbox` as its own process and resolves with its URL once it listens. */
function spawnSandbox(storageArgs: string[]): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'harness/cli/main.ts'), 'sandbox', '--port', '0', '--time-scale', '0.01', '--quiet', ...storageArgs], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sandbox did not start: ${output}`));
    }, 25_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] as string });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with ${code}: ${output}`));
    });
  });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

for (const storage of STORAGES) {
  describe.skipIf(!storage.available)(`restart on ${storage.name}`, () => {
    it('a delivery cut off by SIGKILL is delivered, with the same event id, after a restart', { timeout: 60_000 }, async () => {
      const dataDir = storage.name === 'PGlite' ? mkdtempSync(path.join(tmpdir(), 'payharness-sandbox-')) : undefined;
      const storageArgs = dataDir ? ['--data-dir', dataDir] : ['--database', storage.fresh().database as string];
      // The first attempt hangs (the receiver never answers): the sandbox dies mid-delivery.
      const receiver = await startReceiver((n) => ({ status: n === 1 ? 0 : 200 }));
      let first: ChildProcess | undefined;
      let second: ChildProcess | undefined;
      try {
        const started = await spawnSandbox(storageArgs);
        first = started.child;
        const api = apiClient(started.url);
        await registerEndpoint(api, receiver.url);
        const created = await api.createPayment();
        expect(created.status).toBe(201);
        const [cutOff] = await receiver.waitFor(1);
        await killHard(first);
        first = undefined;

        const restarted = await spawnSandbox(storageArgs);
        second = restarted.child;
        const [, delivered] = await receiver.waitFor(2, 20_000);
        expect(delivered!.headers['webhook-id']).toBe(cutOff!.headers['webhook-id']);
        expect(JSON.parse(delivered!.body)).toMatchObject({ type: 'payment.created', data: { object: { id: created.json.id } } });
        // The data survived too.
        expect((await apiClient(restarted.url, api.apiKey).get(`/v1/payments/${created.json.id}`)).status).toBe(200);
        expect(await stop(second)).toBe(0);
        second = undefined;
      } finally {
        if (first) await killHard(first);
        if (second) await killHard(second);
        await receiver.close();
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
