import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip, constants as zlib } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { HistoryRecord } from './types.js';
import { UsageError } from '../errors.js';

/** The target of a run with one implementation; compact histories leave it out and the reader puts it back. */
export const DEFAULT_TARGET = 'default';

const GZIP_MAGIC = [0x1f, 0x8b];

async function openInput(file: string): Promise<Readable> {
  const raw = createReadStream(file);
  const first = await new Promise<Buffer | undefined>((resolve, reject) => {
    raw.once('error', reject);
    raw.once('readable', () => resolve((raw.read(2) as Buffer | null) ?? undefined));
    raw.once('end', () => resolve(undefined));
  }).catch((error: unknown) => {
    throw new UsageError('E_HISTORY_READ', `cannot read history ${file}: ${(error as Error).message}`, {
      hint: 'pass a run directory written by `payharness chaos run` (it holds history.jsonl or history.jsonl.gz)',
    });
  });
  if (first) raw.unshift(first);
  if (!first || first[0] !== GZIP_MAGIC[0] || first[1] !== GZIP_MAGIC[1]) return raw.setEncoding('utf8');
  // A run cut short leaves a gzip stream without its end: read what is there (Z_SYNC_FLUSH), like a torn last line.
  const gunzip = createGunzip({ finishFlush: zlib.Z_SYNC_FLUSH });
  raw.on('error', (error) => gunzip.destroy(error));
  return raw.pipe(gunzip).setEncoding('utf8');
}

/**
 * The records of a history file one at a time, in file order, without holding the file: plain
 * JSONL or gzip (told by its first bytes). A torn last line (interrupted run) is skipped; any
 * other line that is not a record is an error with its line number.
 */
export async function* streamHistory(file: string): AsyncGenerator<HistoryRecord> {
  const input = await openInput(file);
  let pendingError: { line: number; message: string } | undefined;
  let lineNo = 0;
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      lineNo++;
      if (line.trim() === '') continue;
      if (pendingError) break;
      try {
        const parsed = JSON.parse(line) as HistoryRecord;
        if (!parsed || typeof parsed !== 'object' || typeof parsed.kind !== 'string') throw new Error('not a history record');
        parsed.target ??= DEFAULT_TARGET;
        yield parsed;
      } catch (error) {
        pendingError = { line: lineNo, message: (error as Error).message };
      }
    }
  } catch (error) {
    // A gzip stream damaged in the middle (not merely cut short).
    throw new UsageError('E_HISTORY_READ', `cannot read history ${file}: ${(error as Error).message}`, { location: `${file}:${lineNo + 1}` });
  } finally {
    input.destroy();
  }
  if (pendingError && pendingError.line !== lineNo) {
    throw new UsageError('E_HISTORY_PARSE', `history line ${pendingError.line} is not a JSON record: ${pendingError.message}`, {
      location: `${file}:${pendingError.line}`,
      hint: 'history.jsonl holds one JSON object per line; was it edited by hand?',
    });
  }
}

/** Reads a whole history file (plain or gzip) into memory; see `streamHistory`. */
export async function readHistory(file: string): Promise<HistoryRecord[]> {
  const records: HistoryRecord[] = [];
  for await (const r of streamHistory(file)) records.push(r);
  return records;
}
