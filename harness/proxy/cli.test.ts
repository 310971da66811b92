import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../../test/cli-helpers.js';

// Each test spawns the CLI through tsx, which alone can take tens of seconds on a loaded 2-core machine.
describe('payharness proxy', { timeout: 90_000 }, () => {
  it('serves the API on the printed URL with the given seed and closes cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'harness/cli/main.ts'), 'proxy', '--port', '0', '--seed', '9'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${stdout}`)), 20_000);
      child.stdout.on('data', () => {
        const match = /API on (http:\/\/\S+) \(seed 9\)/.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    const created = await fetch(`${url}/proxies`, { method: 'POST', body: JSON.stringify({ name: 'cli', listen: '127.0.0.1:0', upstream: '127.0.0.1:9' }) });
    expect(created.status).toBe(201);
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stdout).toMatch(/SIGTERM: every proxy closed/);
  });

  it('refuses a bad --port with exit 3 and lists toxic types in --help from the registry', async () => {
    const bad = await runCli(['proxy', '--port', 'eighty']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/--port must be an integer from 0 to 65535/);
    const help = await runCli(['proxy', '--help']);
    expect(help.stdout).toMatch(/http_drop_response\s+forward the request/);
    expect(help.stdout).toMatch(/reset_peer/);
  });
});
