import { describe, expect, it, vi } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryRecorder, readHistory } from './recorder.js';

describe('history recorder', () => {
  it('stamps time, target and scenario, redacts, and round-trips through JSONL', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ph-hist-')), 'history.jsonl');
    const recorder = new HistoryRecorder({ file, startedAtMs: Date.now() - 100 });
    recorder.setScenario('s1');
    recorder.append({ kind: 'note', message: 'Authorization: Bearer sk_test_abc card 4242 4242 4242 4242' });
    await recorder.close();
    const [note] = await readHistory(file);
    expect(note).toMatchObject({ kind: 'note', target: 'default', scenario: 's1' });
    expect(note!.time).toBeGreaterThanOrEqual(100);
    const message = (note as { message: string }).message;
    expect(message).not.toContain('sk_test_abc');
    expect(message).not.toMatch(/4242 4242 4242 4242/);
    // A second run never appends to this history.
    expect(() => new HistoryRecorder({ file })).toThrow(expect.objectContaining({ code: 'E_HISTORY_EXISTS', exitCode: 3 }));
  });

  it('writes records in chunks (a write per record outpaces gzip on a busy run), each on disk within a fraction of a second', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ph-hist-'));
    const file = join(dir, 'history.jsonl');
    const recorder = new HistoryRecorder({ file });
    const write = vi.spyOn(Writable.prototype, 'write');
    try {
      for (let i = 0; i < 3000; i++) recorder.append({ kind: 'note', message: `note ${i} ${'x'.repeat(60)}` });
      // ≈ 400 KB of lines: a handful of writes, not 3,000.
      expect(write.mock.calls.length).toBeLessThan(20);
    } finally {
      write.mockRestore();
    }
    recorder.append({ kind: 'note', message: 'the last one' });
    // Not closed (a run killed now): the last record still reaches the file.
    await sleep(600);
    expect(readFileSync(file, 'utf8')).toContain('the last one');
    await recorder.close();
    expect(await readHistory(file)).toHaveLength(3001);
  });

  it('skips a torn last line (interrupted run) but rejects garbage in the middle with its line number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ph-hist-'));
    const torn = join(dir, 'torn.jsonl');
    writeFileSync(torn, '{"kind":"note","time":1,"target":"default","message":"a"}\n');
    appendFileSync(torn, '{"kind":"no');
    expect(await readHistory(torn)).toHaveLength(1);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, 'garbage\n{"kind":"note","time":1,"target":"default","message":"a"}\n');
    await expect(readHistory(bad)).rejects.toThrow(/line 1/);
    await expect(readHistory(join(dir, 'missing.jsonl'))).rejects.toThrow(/cannot read history/);
  });
});
