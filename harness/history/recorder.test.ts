import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
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
