import { createReadStream, createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { redactJson } from '../redact.js';
import type { HistoryRecord } from './types.js';
import { InfraError, UsageError } from '../errors.js';

/** A record as a producer hands it in: the recorder stamps `time` and `target` when missing. */
export type NewRecord = HistoryRecord extends infer R
  ? R extends HistoryRecord
    ? Omit<R, 'time' | 'target'> & { time?: number; target?: string }
    : never
  : never;

export interface HistoryRecorderOptions {
  /** Where to append JSONL; omit to keep the history in memory only (tests, gate dry runs). */
  file?: string;
  /** Default `target` stamped on records that don't name one. */
  target?: string;
  /** Default `scenario` stamped on records that don't name one; change it with `setScenario`. */
  scenario?: string;
  /** Wall clock origin in epoch ms; `time` is relative to it. Defaults to now. */
  startedAtMs?: number;
}

/**
 * Appends history records to `history.jsonl` and keeps them in memory for the checks.
 * Every record is redacted on the way in, so nothing written can hold a credential or a card number.
 */
export class HistoryRecorder {
  readonly records: HistoryRecord[] = [];
  readonly startedAtMs: number;
  readonly file?: string;
  private readonly stream?: WriteStream;
  private target: string;
  private scenario?: string;
  private closed = false;

  constructor(options: HistoryRecorderOptions = {}) {
    this.startedAtMs = options.startedAtMs ?? Date.now();
    this.target = options.target ?? 'default';
    this.scenario = options.scenario;
    this.file = options.file;
    if (options.file) {
      mkdirSync(dirname(options.file), { recursive: true });
      // One history per run: never append a run to another's history (one file would hold two runs).
      if (existsSync(options.file)) {
        throw new UsageError('E_HISTORY_EXISTS', `${options.file} already exists; a run writes a fresh history`, { hint: 'write the run into a new or empty directory' });
      }
      this.stream = createWriteStream(options.file, { flags: 'wx' });
      // An I/O failure must not crash the run mid-fault; it surfaces on close().
      this.stream.on('error', (error) => (this.writeError = error));
    }
  }

  private writeError?: Error;

  /** Milliseconds since the run started: the `time` of a record appended now. */
  now(): number {
    return Date.now() - this.startedAtMs;
  }

  /** Records appended from now on carry this scenario name (when they don't name one). */
  setScenario(name: string | undefined): void {
    this.scenario = name;
  }

  /** Stamps, redacts, stores and writes one record; returns it as stored. */
  append<R extends NewRecord>(record: R): HistoryRecord {
    const stamped = {
      ...record,
      time: record.time ?? this.now(),
      target: record.target ?? this.target,
      ...(record.scenario === undefined && this.scenario !== undefined ? { scenario: this.scenario } : {}),
    } as HistoryRecord;
    const safe = redactJson(stamped);
    this.records.push(safe);
    if (this.stream && !this.closed) this.stream.write(`${JSON.stringify(safe)}\n`);
    return safe;
  }

  /** Flushes and closes the file; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const stream = this.stream;
    if (stream) await new Promise<void>((resolve) => stream.end(resolve));
    if (this.writeError) {
      throw new InfraError('E_HISTORY_WRITE', `could not write the history to ${this.file}: ${this.writeError.message}`, {
        hint: 'check that the output directory is writable and the disk is not full',
      });
    }
  }
}

/** Reads a `history.jsonl`; a torn last line (interrupted run) is skipped, other bad lines are errors. */
export async function readHistory(file: string): Promise<HistoryRecord[]> {
  const records: HistoryRecord[] = [];
  let pendingError: { line: number; message: string } | undefined;
  let lineNo = 0;
  const input = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw new UsageError('E_HISTORY_READ', `cannot read history ${file}: ${(error as Error).message}`, {
      hint: 'pass a run directory written by `payharness chaos run` (it holds history.jsonl)',
    });
  }
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    if (pendingError) break;
    try {
      const parsed = JSON.parse(line) as HistoryRecord;
      if (!parsed || typeof parsed !== 'object' || typeof parsed.kind !== 'string') throw new Error('not a history record');
      records.push(parsed);
    } catch (error) {
      pendingError = { line: lineNo, message: (error as Error).message };
    }
  }
  if (pendingError && pendingError.line !== lineNo) {
    throw new UsageError('E_HISTORY_PARSE', `history line ${pendingError.line} is not a JSON record: ${pendingError.message}`, {
      location: `${file}:${pendingError.line}`,
      hint: 'history.jsonl holds one JSON object per line; was it edited by hand?',
    });
  }
  return records;
}
