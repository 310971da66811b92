import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareRunDir } from './run-dir.js';
import { newRunId } from './run-id.js';

const base = mkdtempSync(join(tmpdir(), 'ph-run-dir-'));

describe('run directory', () => {
  it('creates a new directory and accepts an existing empty one', () => {
    expect(existsSync(prepareRunDir(join(base, 'new', 'deep'), 'x'))).toBe(true);
    mkdirSync(join(base, 'empty'));
    expect(prepareRunDir(join(base, 'empty'), 'x')).toBe(join(base, 'empty'));
  });

  it('refuses a directory that holds files, and a file, with exit 3 and a hint', () => {
    writeFileSync(join(base, 'empty', 'history.jsonl'), '');
    expect(() => prepareRunDir(join(base, 'empty'), 'x')).toThrow(expect.objectContaining({ code: 'E_OUT_NOT_EMPTY', exitCode: 3, hint: expect.stringContaining('payharness check') }));
    expect(() => prepareRunDir(join(base, 'empty', 'history.jsonl'), 'x')).toThrow(expect.objectContaining({ code: 'E_OUT_NOT_DIR', exitCode: 3 }));
  });

  it('names runs in one format, sortable by time', () => {
    expect(newRunId(new Date('2026-01-15T10:30:00Z'))).toMatch(/^ph-20260115T103000-[0-9a-f]{6}$/);
  });
});
