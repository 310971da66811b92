import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { redactJson } from '../redact.js';
import type { ApiProfile } from '../config/profile-types.js';
import type { HistoryRecord, OperationInvoke } from './types.js';
import { evidenceAnswerBody, type BodyMode } from './body-policy.js';
import { DEFAULT_TARGET } from './reader.js';
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
  /**
   * Keep every record in `records` (default). A soak run turns it off: its records go to the file
   * and to the listeners (the streaming judge) only, so memory does not grow with the run.
   */
  retain?: boolean;
  /** Compress the file with gzip (name it `history.jsonl.gz`); `payharness check` reads either. */
  gzip?: boolean;
  /**
   * `all` (default) keeps bodies as sent and received; `evidence` keeps what checks read (see
   * body-policy.ts) and rounds times to microseconds: a history of a few hundred bytes per request
   * or less. Needs `profile`.
   */
  bodies?: BodyMode;
  /** The profile whose field paths `evidence` keeps. */
  profile?: ApiProfile;
  /**
   * Records it answers true for go to the listeners but not yet to the file: the caller writes them
   * later with `writeHeld`, or drops them (`--history-detail failing`, flow-detail.ts).
   */
  hold?: (record: HistoryRecord) => boolean;
}

/** What a producer may say about one record when it appends it. */
export interface AppendHints {
  /** Keep this record's body whole in `evidence` mode: a check will compare it (a key the producer sends twice). */
  keepBody?: boolean;
}

/** The record as a compact line: without `target` when it is the default one (the reader puts it back). */
function compactLine(r: HistoryRecord): Omit<HistoryRecord, 'target'> {
  if (r.target !== DEFAULT_TARGET) return r;
  const { target: _target, ...rest } = r;
  return rest;
}

/**
 * Lines are written in chunks of this many characters (or every FLUSH_MS): one write per record
 * costs a gzip call on the thread pool each, which a busy run outpaces — the unwritten records
 * then pile up in the stream's buffer and memory grows with the run (issue 17).
 */
const CHUNK_CHARS = 64 * 1024;
/** How long a line may wait for its chunk: what a killed run can lose, besides the gzip tail. */
const FLUSH_MS = 200;

/** Microsecond precision: what timing checks can use; longer fractions are bytes for nothing. */
const roundTime = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * Appends history records to `history.jsonl` and keeps them in memory for the checks.
 * Every record is redacted on the way in, so nothing written can hold a credential or a card number.
 */
export class HistoryRecorder {
  /** Every record so far, unless `retain: false`. */
  readonly records: HistoryRecord[] = [];
  readonly startedAtMs: number;
  readonly file?: string;
  private readonly stream?: Writable;
  private readonly retain: boolean;
  private readonly bodies: BodyMode;
  private readonly profile?: ApiProfile;
  private readonly hold?: (record: HistoryRecord) => boolean;
  private readonly listeners: ((record: HistoryRecord) => void)[] = [];
  /** The operation of each request still waiting for its completion (evidence mode reads answers by operation). */
  private readonly openOps = new Map<number, { op: OperationInvoke['op']; keepBody: boolean }>();
  private counted = 0;
  private runSeen = false;
  private target: string;
  private scenario?: string;
  private closed = false;
  /** Lines not yet handed to the stream (see CHUNK_CHARS). */
  private chunk: string[] = [];
  private chunkChars = 0;
  private flushTimer?: NodeJS.Timeout;

  constructor(options: HistoryRecorderOptions = {}) {
    this.startedAtMs = options.startedAtMs ?? Date.now();
    this.target = options.target ?? DEFAULT_TARGET;
    this.scenario = options.scenario;
    this.file = options.file;
    if (options.file) {
      mkdirSync(dirname(options.file), { recursive: true });
      // One history per run: never append a run to another's history (one file would hold two runs).
      if (existsSync(options.file)) {
        throw new UsageError('E_HISTORY_EXISTS', `${options.file} already exists; a run writes a fresh history`, { hint: 'write the run into a new or empty directory' });
      }
      const file = createWriteStream(options.file, { flags: 'wx' });
      // An I/O failure must not crash the run mid-fault; it surfaces on close().
      file.on('error', (error) => (this.writeError = error));
      if (options.gzip) {
        const gzip = createGzip();
        gzip.on('error', (error) => (this.writeError = error));
        gzip.pipe(file);
        this.stream = gzip;
        this.fileStream = file;
      } else {
        this.stream = file;
      }
    }
    this.retain = options.retain ?? true;
    this.bodies = options.bodies ?? 'all';
    this.profile = options.profile;
    this.hold = options.hold;
    if (this.bodies === 'evidence' && !this.profile) throw new Error('HistoryRecorder: bodies "evidence" needs the profile');
  }

  private fileStream?: Writable;

  /** How many records were appended (retained or not). */
  get count(): number {
    return this.counted;
  }

  /** Whether the `run` record was appended (a run that never started has nothing to judge). */
  get hasRun(): boolean {
    return this.runSeen;
  }

  /** Calls `listener` with every record appended from now on, as stored (the streaming judge, live verdicts). */
  subscribe(listener: (record: HistoryRecord) => void): void {
    this.listeners.push(listener);
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
  append<R extends NewRecord>(record: R, hints: AppendHints = {}): HistoryRecord {
    const stamped = {
      ...record,
      time: record.time ?? this.now(),
      target: record.target ?? this.target,
      ...(record.scenario === undefined && this.scenario !== undefined ? { scenario: this.scenario } : {}),
    } as HistoryRecord;
    const safe = redactJson(this.bodies === 'evidence' ? this.evidence(stamped, hints) : stamped);
    this.counted++;
    if (safe.kind === 'run') this.runSeen = true;
    if (this.retain) this.records.push(safe);
    if (!this.hold?.(safe)) this.writeRecord(safe);
    for (const listener of this.listeners) listener(safe);
    return safe;
  }

  /** Writes a record `hold` kept back when it was appended. */
  writeHeld(r: HistoryRecord): void {
    this.writeRecord(r);
  }

  private writeRecord(r: HistoryRecord): void {
    if (this.stream && !this.closed) this.write(`${JSON.stringify(this.bodies === 'evidence' ? compactLine(r) : r)}\n`);
  }

  private write(line: string): void {
    this.chunk.push(line);
    this.chunkChars += line.length;
    if (this.chunkChars >= CHUNK_CHARS) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Hands the lines waiting to the stream in one write. */
  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.chunk.length === 0) return;
    this.stream!.write(this.chunk.join(''));
    this.chunk = [];
    this.chunkChars = 0;
  }

  /** The record as `evidence` mode keeps it (see body-policy.ts). */
  private evidence(r: HistoryRecord, hints: AppendHints): HistoryRecord {
    if (r.kind === 'invoke') {
      this.openOps.set(r.opId, { op: r.op, keepBody: hints.keepBody === true });
      const { body: _body, ...rest } = r;
      return { ...(hints.keepBody ? r : rest), time: roundTime(r.time) };
    }
    if (r.kind === 'complete') {
      const open = this.openOps.get(r.opId);
      this.openOps.delete(r.opId);
      const keep = hints.keepBody === true || open?.keepBody === true || !open || r.body === undefined;
      const body = keep ? r.body : evidenceAnswerBody(this.profile!, open.op, r);
      return {
        ...r, time: roundTime(r.time), ...(body === undefined ? {} : { body }), ...(body !== r.body ? { bodyKept: 'fields' as const } : {}),
        ...(r.latencyMs === undefined ? {} : { latencyMs: roundTime(r.latencyMs) }),
      };
    }
    return { ...r, time: roundTime(r.time) };
  }

  /** Flushes and closes the file; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const stream = this.stream;
    if (stream) {
      this.flush();
      await new Promise<void>((resolve) => stream.end(resolve));
    }
    // With gzip, the compressor ending is not the file being written: wait for the file too.
    const file = this.fileStream;
    if (file && !file.writableFinished) await new Promise<void>((resolve) => file.once('finish', resolve).once('error', () => resolve()));
    if (this.writeError) {
      throw new InfraError('E_HISTORY_WRITE', `could not write the history to ${this.file}: ${this.writeError.message}`, {
        hint: 'check that the output directory is writable and the disk is not full',
      });
    }
  }
}

/** Reading lives in reader.ts (plain or gzip, whole or streamed); re-exported for existing callers. */
export { readHistory, streamHistory } from './reader.js';
