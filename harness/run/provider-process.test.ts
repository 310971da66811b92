import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryRecorder } from '../history/recorder.js';
import { InfraError } from '../errors.js';
import { maskCommand, ProviderProcess } from './provider-process.js';
import { groupAlive } from './process-group.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A provider in one line of shell: a Node HTTP server that says hello on stdout (a real process, a real socket). */
const server = (port: number): string =>
  `${process.execPath} -e "require('http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1', () => console.log('provider up on ${port}'))"`;

const START_MS = 90_000;

describe('the provider process (--target-command)', () => {
  it('starts, answers, is SIGKILLed with its group, restarts on the same command, and stops; its output is kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ph-proc-'));
    const port = await freePort();
    const recorder = new HistoryRecorder();
    const provider = new ProviderProcess({ command: server(port), url: `http://127.0.0.1:${port}/`, logFile: join(dir, 'provider.log'), recorder });
    const signal = new AbortController().signal;
    try {
      await provider.start(signal);
      const first = provider.pid!;
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
      await provider.kill({ toxic: 'kill-1', afterOpId: 7 });
      expect(groupAlive(first)).toBe(false);
      await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
      await provider.start(signal, 'restart after crash');
      expect(provider.pid).not.toBe(first);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    } finally {
      await provider.stop();
    }
    expect(groupAlive(provider.pid!)).toBe(false);
    const events = recorder.records.filter((r) => r.kind === 'process').map((r) => (r as { event: string }).event);
    expect(events).toEqual(['started', 'ready', 'crashed', 'started', 'ready', 'stopped']);
    expect(recorder.records.find((r) => r.kind === 'process' && r.event === 'crashed')).toMatchObject({ toxic: 'kill-1', afterOpId: 7, generation: 1 });
    const log = readFileSync(join(dir, 'provider.log'), 'utf8');
    expect(log.match(/^provider up on/gm)).toHaveLength(2);
    expect(log).toContain('restart after crash #2');
  }, START_MS);

  it('fails with exit 4 when the command exits before answering, pointing at its log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ph-proc-'));
    const provider = new ProviderProcess({ command: 'echo "cannot bind" >&2; exit 3', url: `http://127.0.0.1:${await freePort()}/`, logFile: join(dir, 'provider.log'), recorder: new HistoryRecorder() });
    const error = await provider.start(new AbortController().signal).catch((e: unknown) => e);
    await provider.stop();
    expect(error).toBeInstanceOf(InfraError);
    expect((error as InfraError).exitCode).toBe(4);
    expect((error as InfraError).message).toContain('exited with code 3 before answering');
    expect((error as InfraError).hint).toContain('provider.log');
    expect(readFileSync(join(dir, 'provider.log'), 'utf8')).toContain('cannot bind');
  }, START_MS);

  it('masks URL credentials in the command it shows', () => {
    expect(maskCommand('serve --database postgres://app:s3cret@db:5432/x --other http://u:p@h/')).toBe('serve --database postgres://app:***@db:5432/x --other http://u:***@h/');
  });
});
